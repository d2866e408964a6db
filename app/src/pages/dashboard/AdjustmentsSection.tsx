// "Refunds and clawbacks": every change of a reward after it was created, signed the way it
// affects the referrer, and what is still owed (recovered from later rewards).
import { useTranslation } from "react-i18next";
import { ErrorNotice, Loading, Notice } from "../../components/status.tsx";
import { useFormat } from "../../i18n/format.ts";
import { sumWei } from "./money.ts";
import { useAdjustments } from "./queries.ts";
import type { AdjustmentKind } from "./types.ts";

/** How each kind moves the referrer's money: refunds and clawbacks take, a reversal gives back. */
const SIGN: Record<AdjustmentKind, "-" | "+"> = { refund: "-", clawback: "-", offset: "-", offset_reversal: "+" };

export function AdjustmentsSection({ userId }: { userId: string }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  const adjustments = useAdjustments(userId);

  let body;
  if (adjustments.isPending) body = <Loading label={t("adjustments.loading")} />;
  else if (adjustments.isError)
    body = <ErrorNotice error={adjustments.error} retry={() => void adjustments.refetch()} />;
  else if (adjustments.data.adjustments.length === 0) body = <p className="hint">{t("adjustments.empty")}</p>;
  else {
    const owed = sumWei(adjustments.data.owed.map((entry) => entry.outstanding));
    body = (
      <>
        {owed > 0n && <Notice kind="warning">{t("adjustments.owed", { amount: format.tokens(owed) })}</Notice>}
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="adjustments-heading">
          <table data-testid="adjustments">
            <caption className="visually-hidden">{t("adjustments.heading")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("adjustments.col.date")}</th>
                <th scope="col">{t("adjustments.col.kind")}</th>
                <th scope="col">{t("adjustments.col.order")}</th>
                <th scope="col" className="num">
                  {t("adjustments.col.fiat")}
                </th>
                <th scope="col" className="num">
                  {t("adjustments.col.tokens")}
                </th>
                <th scope="col">{t("adjustments.col.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {adjustments.data.adjustments.map((row) => {
                const sign = SIGN[row.kind] === "-" ? "−" : "+";
                return (
                  <tr key={row.id} data-kind={row.kind}>
                    <td>
                      <time dateTime={row.createdAt}>{format.dateTime(row.createdAt)}</time>
                    </td>
                    <td>
                      <span className={`state state-${row.kind === "offset_reversal" ? "reversal" : row.kind}`}>
                        {t(`adjustments.kind.${row.kind}`)}
                      </span>
                      <div className="hint">{t(`adjustments.kindHelp.${row.kind}`)}</div>
                    </td>
                    <td className="mono">{row.orderReference}</td>
                    <td className={`num ${SIGN[row.kind] === "-" ? "negative" : ""}`}>
                      {sign}
                      {format.moneyMinor(row.rewardMinor, row.currency)}
                    </td>
                    <td className={`num ${SIGN[row.kind] === "-" ? "negative" : ""}`}>
                      {row.tokenAmount === null ? "—" : `${sign}${format.tokens(row.tokenAmount)}`}
                      {row.kind === "clawback" && row.outstanding !== null && BigInt(row.outstanding) > 0n && (
                        <div className="hint">
                          {t("adjustments.outstanding", { amount: format.tokens(row.outstanding) })}
                        </div>
                      )}
                    </td>
                    <td>{row.reason ?? "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </>
    );
  }

  return (
    <section className="dashboard-section" aria-labelledby="adjustments-heading">
      <h2 id="adjustments-heading">{t("adjustments.heading")}</h2>
      <p className="hint">{t("adjustments.intro")}</p>
      {body}
    </section>
  );
}
