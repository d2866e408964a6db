// In the browser: does the server report the chain as this browser read it, and does the
// server's ledger row agree with that chain?
import { useTranslation } from "react-i18next";
import { Notice } from "../../components/status.tsx";
import type { ChainReading } from "./chain.ts";
import { compareWithServer, judgeLedger } from "./compare.ts";
import type { ServerVerification } from "./server-verify.ts";

export function Comparison({ chain, server }: { chain: ChainReading; server: ServerVerification }) {
  const { t } = useTranslation("verify");
  const checks = compareWithServer(chain, server);
  const sameChain = checks.every((check) => check.ok);
  const ledger = judgeLedger(chain, server.ledger, server.ledgerOtherChain);
  return (
    <>
      <h3 id="verify-compare">{t("compare.title")}</h3>
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="verify-compare">
        <table data-testid="server-comparison" aria-labelledby="verify-compare">
          <thead>
            <tr>
              <th scope="col">{t("compare.field")}</th>
              <th scope="col">{t("compare.browser")}</th>
              <th scope="col">{t("compare.server")}</th>
              <th scope="col">{t("compare.same")}</th>
            </tr>
          </thead>
          <tbody>
            {checks.map((check) => (
              <tr key={check.key}>
                <th scope="row">{check.key}</th>
                <td className="mono">{check.browser}</td>
                <td className="mono">{check.server}</td>
                <td>
                  <span className={`state ${check.ok ? "state-paid" : "state-failed"}`}>
                    {check.ok ? t("compare.yes") : t("compare.no")}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!sameChain && (
        <p className="hint">{t("compare.blockNote", { browser: chain.block.toString(), server: server.block })}</p>
      )}
      <div data-testid="ledger-verdict">
        <Notice kind={ledger.agrees && sameChain ? "success" : "warning"}>
          <p>
            <strong>
              {ledger.agrees ? t("compare.ledgerAgrees") : t("compare.ledgerDisagrees")}
              {sameChain ? "" : ` ${t("compare.serverDiffers")}`}
            </strong>
          </p>
          {ledger.problems.length > 0 && (
            <ul>
              {ledger.problems.map(({ problem, severity }) => (
                <li key={problem}>
                  {severity === "mismatch" ? t("compare.mismatch") : t("compare.warning")}:{" "}
                  {t(`compare.problem.${problem}`)}
                </li>
              ))}
            </ul>
          )}
        </Notice>
      </div>
    </>
  );
}
