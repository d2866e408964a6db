// The reconciliation's findings, mismatches first (as the server orders them): the ledger's side
// and the chain's side of each order.
import { useTranslation } from "react-i18next";
import { TxLink } from "../../components/TxLink.tsx";
import { shortAddress } from "../../components/WalletPanel.tsx";
import { useFormat } from "../../i18n/format.ts";
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
                {finding.orderReference ?? shortAddress(finding.orderRef, 8, 6)}
              </td>
              <td className="wrap">{finding.message}</td>
              <td>
                {finding.ledger ? (
                  <>
                    <span className={`state state-${finding.ledger.state}`}>{t(`state.${finding.ledger.state}`)}</span>
                    <div className="mono" title={finding.ledger.referrerWallet}>
                      {shortAddress(finding.ledger.referrerWallet, 8, 6)}
                    </div>
                    {finding.ledger.tokenAmount && <div>{format.tokens(finding.ledger.tokenAmount)}</div>}
                    {finding.ledger.txHash && <TxLink hash={finding.ledger.txHash} short />}
                  </>
                ) : (
                  t("reconcile.noRow")
                )}
              </td>
              <td>
                {finding.chain ? (
                  <>
                    <div className="mono" title={finding.chain.referrer}>
                      {shortAddress(finding.chain.referrer, 8, 6)}
                    </div>
                    <div>{format.tokens(finding.chain.amount)}</div>
                    {finding.chain.txHash && <TxLink hash={finding.chain.txHash} short />}
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
