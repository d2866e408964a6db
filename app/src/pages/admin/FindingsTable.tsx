// The reconciliation's findings, mismatches first (as the server orders them): the ledger's side
// and the chain's side of each order.
import { useTranslation } from "react-i18next";
import { useFormat } from "../../i18n/format.ts";
import { shortHex } from "./format.ts";
import { TxLink } from "./TxLink.tsx";
import type { Finding } from "./types.ts";

export function FindingsTable({ findings }: { findings: Finding[] }) {
  const { t } = useTranslation("admin");
  const format = useFormat();
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t("reconcile.findings")}>
      <table>
        <caption className="visually-hidden">{t("reconcile.findings")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("reconcile.severity")}</th>
            <th scope="col">{t("reconcile.kind")}</th>
            <th scope="col">{t("reconcile.order")}</th>
            <th scope="col">{t("reconcile.message")}</th>
            <th scope="col">{t("reconcile.ledger")}</th>
            <th scope="col">{t("reconcile.onChain")}</th>
          </tr>
        </thead>
        <tbody>
          {findings.map((finding, index) => (
            <tr key={`${finding.orderRef}-${finding.kind}-${index}`}>
              <td>
                <span className={`state ${finding.severity === "mismatch" ? "state-failed" : ""}`}>
                  {t(`reconcile.severityName.${finding.severity}`)}
                </span>
              </td>
              <td className="mono">{finding.kind}</td>
              <td className="mono" title={finding.orderRef}>
                {finding.orderReference ?? shortHex(finding.orderRef)}
              </td>
              <td className="wrap">{finding.message}</td>
              <td>
                {finding.ledger ? (
                  <>
                    <span className={`state state-${finding.ledger.state}`}>{t(`state.${finding.ledger.state}`)}</span>
                    <div className="mono" title={finding.ledger.referrerWallet}>
                      {shortHex(finding.ledger.referrerWallet)}
                    </div>
                    {finding.ledger.tokenAmount && <div>{format.tokens(finding.ledger.tokenAmount)}</div>}
                    {finding.ledger.txHash && <TxLink hash={finding.ledger.txHash} />}
                  </>
                ) : (
                  t("reconcile.noRow")
                )}
              </td>
              <td>
                {finding.chain ? (
                  <>
                    <div className="mono" title={finding.chain.referrer}>
                      {shortHex(finding.chain.referrer)}
                    </div>
                    <div>{format.tokens(finding.chain.amount)}</div>
                    {finding.chain.txHash && <TxLink hash={finding.chain.txHash} />}
                  </>
                ) : (
                  t("reconcile.notPaid")
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
