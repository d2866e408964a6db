// Every currency with a price source or a desk rate, side by side, with an edit button each.
import { useTranslation } from "react-i18next";
import { shortAddress } from "../../components/WalletPanel.tsx";
import { useFormat } from "../../i18n/format.ts";
import { priceToDecimal } from "../../i18n/money.ts";
import type { DeskRate, PriceSource } from "./types.ts";

export function PriceTable({
  sources,
  rates,
  onEdit,
}: {
  sources: PriceSource[];
  rates: DeskRate[];
  onEdit: (currency: string) => void;
}) {
  const { t } = useTranslation("admin");
  const format = useFormat();
  const currencies = [...new Set([...sources.map((s) => s.currency), ...rates.map((r) => r.currency)])].sort();
  const sourceOf = new Map(sources.map((s) => [s.currency, s]));
  const rateOf = new Map(rates.map((r) => [r.currency, r]));

  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t("prices.tableLabel")}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("prices.currency")}</th>
            <th scope="col">{t("prices.source")}</th>
            <th scope="col">{t("prices.feed")}</th>
            <th scope="col" className="num">
              {t("prices.maxAge")}
            </th>
            <th scope="col" className="num">
              {t("prices.deskRate")}
            </th>
            <th scope="col">{t("prices.updated")}</th>
            <th scope="col">
              <span className="visually-hidden">{t("prices.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {currencies.map((currency) => {
            const source = sourceOf.get(currency);
            const rate = rateOf.get(currency);
            return (
              <tr key={currency}>
                <th scope="row" className="mono">
                  {currency}
                </th>
                <td>
                  {source ? (
                    t(`prices.kind.${source.kind}`)
                  ) : (
                    <span className="field-error">{t("prices.noSource")}</span>
                  )}
                </td>
                <td className="mono" title={source?.feed ?? undefined}>
                  {source?.feed ? shortAddress(source.feed, 8, 6) : "—"}
                </td>
                <td className="num">
                  {source ? t("prices.secondsShort", { seconds: format.number(source.maxAgeSeconds) }) : "—"}
                </td>
                <td className="num">
                  {rate ? t("prices.rateValue", { rate: priceToDecimal(rate), currency }) : "—"}
                  {source?.kind === "desk" && !rate && <div className="field-error">{t("prices.deskWithoutRate")}</div>}
                </td>
                <td>
                  {source && (
                    <div>
                      {format.dateTime(source.updatedAt)} <span className="hint mono">{source.updatedBy}</span>
                    </div>
                  )}
                  {rate && (
                    <div>
                      {t("prices.rateSet", { date: format.dateTime(rate.setAt) })}{" "}
                      <span className="hint mono">{rate.setBy}</span>
                    </div>
                  )}
                </td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => onEdit(currency)}
                    aria-label={t("prices.editCurrency", { currency })}
                  >
                    {t("prices.edit")}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
