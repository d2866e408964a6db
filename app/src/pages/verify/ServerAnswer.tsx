// The server's answer for the order (its ledger row and its own verdict), kept apart from what
// the browser read, then compared with it.
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ErrorNotice, Loading, Notice } from "../../components/status.tsx";
import { TxLink } from "../../components/TxLink.tsx";
import { useFormat } from "../../i18n/format.ts";
import type { ChainReading } from "./chain.ts";
import { Comparison } from "./Comparison.tsx";
import { fetchServerVerification, type ServerVerification } from "./server-verify.ts";

function Ledger({ ledger }: { ledger: NonNullable<ServerVerification["ledger"]> }) {
  const { t } = useTranslation("verify");
  const format = useFormat();
  return (
    <dl className="facts" data-testid="ledger-row">
      <dt>{t("server.state")}</dt>
      <dd>
        <span className={`state state-${ledger.state}`}>{ledger.state}</span>
      </dd>
      <dt>{t("server.wallet")}</dt>
      <dd className="mono">{ledger.referrerWallet}</dd>
      <dt>{t("server.tokenAmount")}</dt>
      <dd>{ledger.tokenAmount && /^\d+$/.test(ledger.tokenAmount) ? format.tokens(ledger.tokenAmount) : "—"}</dd>
      <dt>{t("server.tx")}</dt>
      <dd>{ledger.txHash ? <TxLink hash={ledger.txHash} /> : "—"}</dd>
      <dt>{t("server.block")}</dt>
      <dd>{ledger.blockNumber ?? "—"}</dd>
    </dl>
  );
}

export function ServerAnswer({ orderReference, chain }: { orderReference: string; chain: ChainReading | undefined }) {
  const { t } = useTranslation("verify");
  const answer = useQuery({
    queryKey: ["verify-server", orderReference],
    queryFn: ({ signal }) => fetchServerVerification(orderReference, signal),
    retry: false,
  });

  let body;
  if (answer.isPending) body = <Loading label={t("server.loading")} />;
  else if (answer.isError) body = <ErrorNotice error={answer.error} retry={() => void answer.refetch()} />;
  else if (answer.data === null) {
    body = (
      <Notice>
        <p>{t("server.unavailable")}</p>
      </Notice>
    );
  } else {
    const server = answer.data;
    body = (
      <>
        <p className="verdict" data-testid="server-verdict">
          <span className={`state ${server.agrees ? "state-paid" : "state-failed"}`}>
            {server.agrees ? t("server.agrees") : t("server.disagrees")}
          </span>{" "}
          <span className="hint">{t("server.readAt", { block: server.block })}</span>
        </p>
        {server.findings.length > 0 && (
          <ul>
            {server.findings.map((finding, i) => (
              <li key={`${finding.kind}-${i}`}>
                <strong>{finding.kind}</strong> ({finding.severity}): {finding.message}
              </li>
            ))}
          </ul>
        )}
        <h3>{t("server.ledger")}</h3>
        {server.ledger ? <Ledger ledger={server.ledger} /> : <p>{t("server.noLedger")}</p>}
        {chain ? <Comparison chain={chain} server={server} /> : <p className="hint">{t("server.waitChain")}</p>}
      </>
    );
  }

  return (
    <section className="card verify-section" aria-labelledby="verify-server" aria-busy={answer.isPending}>
      <h2 id="verify-server">{t("server.title")}</h2>
      <p className="hint">{t("server.source", { path: `/api/verify/${orderReference}` })}</p>
      {body}
    </section>
  );
}
