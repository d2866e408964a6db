// The mint run as it happens and as it ended: a live sentence (and a progress bar), then the
// minted / failed counts and each batch's transaction.
import { useTranslation } from "react-i18next";
import { ErrorNotice } from "../../components/status.tsx";
import { TxLink } from "../../components/TxLink.tsx";
import type { MintState } from "./use-mint-run.ts";

function mintTotals(state: MintState) {
  const summary = state.summary;
  if (!summary) return { minted: 0, failed: 0, total: 0 };
  const minted = summary.minted + state.lateMinted;
  const failed = summary.failed + state.lateFailed;
  return { minted, failed, total: summary.minted + summary.failed + summary.deferred + state.late };
}

export function MintProgress({ state }: { state: MintState }) {
  const { t } = useTranslation("admin");
  const { minted, failed, total } = mintTotals(state);
  const summary = state.summary;

  let sentence: string;
  if (state.phase === "running") {
    sentence = state.expected
      ? t("mint.running", { settled: state.settled, expected: state.expected, inFlight: state.inFlight })
      : t("mint.runningNoCount");
  } else if (state.phase === "settling") {
    sentence = t("mint.settling", { minted, waiting: state.lateWaiting });
  } else if (state.phase === "done" && summary && !summary.ran) {
    sentence = t("mint.notRun", { reason: summary.reason ?? "" });
  } else if (state.phase === "done") {
    sentence = t("mint.done", { minted, total });
  } else {
    sentence = t("mint.failedRun");
  }

  return (
    <div data-testid="mint-progress" data-phase={state.phase} className="card">
      <p role="status" aria-live="polite">
        <strong>{sentence}</strong>
      </p>
      {state.phase === "running" && (
        <progress
          aria-label={t("mint.progressLabel")}
          max={state.expected || undefined}
          value={state.expected ? state.settled : undefined}
        />
      )}
      {state.phase === "settling" && <p className="hint">{t("mint.settlingHint")}</p>}
      {state.phase === "done" && summary?.ran && total === 0 && <p className="hint">{t("mint.nothing")}</p>}
      {state.phase === "error" && <ErrorNotice error={state.error} />}
      {summary?.ran && (state.phase === "done" || state.phase === "settling") && (
        <>
          <dl className="admin-facts">
            <dt>{t("mint.minted")}</dt>
            <dd>{minted}</dd>
            <dt>{t("mint.failed")}</dt>
            <dd className={failed ? "field-error" : undefined}>{failed}</dd>
            <dt>{t("mint.deferred")}</dt>
            <dd>{summary.deferred}</dd>
            <dt>{t("mint.reconciled")}</dt>
            <dd>{summary.reconciled}</dd>
            <dt>{t("mint.sized")}</dt>
            <dd>{summary.sized}</dd>
            <dt>{t("mint.replaced")}</dt>
            <dd>{summary.replaced}</dd>
          </dl>
          {summary.reason && <p className="hint">{t("mint.reason", { reason: summary.reason })}</p>}
          {failed > 0 && <p className="hint">{t("mint.failedHint")}</p>}
          {summary.batches.length > 0 && (
            <div className="table-wrap" tabIndex={0} role="region" aria-label={t("mint.batches")}>
              <table>
                <caption className="visually-hidden">{t("mint.batches")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("mint.batch")}</th>
                    <th scope="col" className="num">
                      {t("mint.size")}
                    </th>
                    <th scope="col">{t("mint.tx")}</th>
                  </tr>
                </thead>
                <tbody>
                  {summary.batches.map((batch) => (
                    <tr key={`${batch.batchId}-${batch.txHash}`}>
                      <td className="mono">{batch.batchId.slice(0, 8)}</td>
                      <td className="num">{batch.size}</td>
                      <td>
                        <TxLink hash={batch.txHash} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
