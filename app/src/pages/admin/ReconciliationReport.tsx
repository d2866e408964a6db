// The ledger ↔ chain reconciliation (GET /api/admin/reconcile): ok or mismatch, what was
// compared, counts by kind and the findings.
import { useTranslation } from "react-i18next";
import { ErrorNotice, Loading, Notice } from "../../components/status.tsx";
import { useFormat } from "../../i18n/format.ts";
import { FindingsTable } from "./FindingsTable.tsx";
import { KindCounts } from "./KindCounts.tsx";
import { useReconcile } from "./queries.ts";

export function ReconciliationReport() {
  const { t } = useTranslation("admin");
  const format = useFormat();
  const report = useReconcile();
  const data = report.data;

  return (
    <section
      aria-labelledby="admin-reconcile"
      data-testid="reconciliation"
      data-ok={data ? String(data.ok) : undefined}
    >
      <h2 id="admin-reconcile">{t("reconcile.title")}</h2>
      <p className="hint">{t("reconcile.intro")}</p>
      <div className="admin-actions">
        <button type="button" className="secondary" onClick={() => void report.refetch()} disabled={report.isFetching}>
          {t("reconcile.run")}
        </button>
        {report.isFetching && <Loading label={t("reconcile.running")} />}
      </div>
      {report.isError && <ErrorNotice error={report.error} retry={() => void report.refetch()} />}
      {data && (
        <>
          {data.ok ? (
            <Notice kind="success">
              <strong>{t("reconcile.ok")}</strong>{" "}
              {data.counts.warnings > 0 && t("reconcile.okWithWarnings", { n: data.counts.warnings })}
            </Notice>
          ) : (
            <Notice kind="warning">
              <strong>{t("reconcile.mismatch", { n: data.counts.mismatches })}</strong>{" "}
              {t("reconcile.warnings", { n: data.counts.warnings })}
            </Notice>
          )}
          <dl className="admin-facts">
            <dt>{t("reconcile.checkedAt")}</dt>
            <dd>{format.dateTime(data.checkedAt)}</dd>
            <dt>{t("reconcile.contract")}</dt>
            <dd className="mono">
              {data.contract} ({t("reconcile.chain", { chainId: data.chainId })})
            </dd>
            <dt>{t("reconcile.blocks")}</dt>
            <dd>
              {format.number(data.fromBlock)} – {format.number(data.toBlock)}
            </dd>
            <dt>{t("reconcile.ledgerRows")}</dt>
            <dd>{format.number(data.ledgerRows)}</dd>
            <dt>{t("reconcile.onChainPayments")}</dt>
            <dd>{format.number(data.onChainPayments)}</dd>
            <dt>{t("reconcile.grace")}</dt>
            <dd>{t("reconcile.seconds", { n: format.number(data.mintingGraceSeconds) })}</dd>
          </dl>
          <KindCounts byKind={data.counts.byKind} />
          {data.findings.length > 0 ? <FindingsTable findings={data.findings} /> : <p>{t("reconcile.noFindings")}</p>}
          {data.truncated && <Notice>{t("reconcile.truncated", { n: data.findings.length })}</Notice>}
        </>
      )}
      {report.isPending && !report.isFetching && <Loading />}
    </section>
  );
}
