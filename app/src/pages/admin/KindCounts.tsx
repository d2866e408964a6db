// Findings per kind (every kind listed, zeros too), with what each kind means.
import { useTranslation } from "react-i18next";
import { findingKinds, type FindingKind } from "./types.ts";

const warningKinds: readonly FindingKind[] = ["in_flight", "ledger_tx_differs", "event_not_found"];

export function KindCounts({ byKind }: { byKind: Partial<Record<FindingKind, number>> }) {
  const { t } = useTranslation("admin");
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t("reconcile.byKind")}>
      <table>
        <caption className="visually-hidden">{t("reconcile.byKind")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("reconcile.kind")}</th>
            <th scope="col">{t("reconcile.severity")}</th>
            <th scope="col" className="num">
              {t("reconcile.count")}
            </th>
            <th scope="col">{t("reconcile.meaning")}</th>
          </tr>
        </thead>
        <tbody>
          {findingKinds.map((kind) => {
            const count = byKind[kind] ?? 0;
            const severity = warningKinds.includes(kind) ? "warning" : "mismatch";
            return (
              <tr key={kind} data-kind={kind}>
                <th scope="row" className="mono">
                  {kind}
                </th>
                <td>{t(`reconcile.severityName.${severity}`)}</td>
                <td className={`num${count > 0 && severity === "mismatch" ? " field-error" : ""}`}>{count}</td>
                <td className="wrap">{t(`reconcile.kinds.${kind}`)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
