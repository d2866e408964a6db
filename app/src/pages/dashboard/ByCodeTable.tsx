// The funnel per code over the chosen period, busiest first.
import { useTranslation } from "react-i18next";
import { useFormat } from "../../i18n/format.ts";
import type { Analytics } from "./types.ts";

export function ByCodeTable({ rows }: { rows: Analytics["funnel"]["byCode"] }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  if (rows.length === 0) return null;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t("funnel.byCode")}>
      <table>
        <caption>{t("funnel.byCode")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("funnel.code")}</th>
            <th scope="col" className="num">
              {t("funnel.visits")}
            </th>
            <th scope="col" className="num">
              {t("funnel.signups")}
            </th>
            <th scope="col" className="num">
              {t("funnel.orders")}
            </th>
            <th scope="col" className="num">
              {t("funnel.conversion")}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.code}>
              <th scope="row" className="mono">
                {row.code} {!row.active && <span className="badge">{t("codes.inactive")}</span>}
              </th>
              <td className="num">{format.number(row.counts.visits)}</td>
              <td className="num">{format.number(row.counts.signups)}</td>
              <td className="num">{format.number(row.counts.attributedOrders)}</td>
              <td className="num">
                {row.counts.visits > 0
                  ? `${format.number((row.counts.attributedOrders / row.counts.visits) * 100, 1)} %`
                  : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
