// What the last approve / reject did, row by row: moved, or left as it was and why.
import { useTranslation } from "react-i18next";
import { Notice } from "../../components/status.tsx";
import type { DecisionOutcome } from "./DecisionBar.tsx";

export function DecisionResults({ outcome, onDismiss }: { outcome: DecisionOutcome; onDismiss: () => void }) {
  const { t } = useTranslation("admin");
  const moved = new Map(outcome.result.moved.map((reward) => [reward.id, reward]));
  const unchanged = new Set(outcome.result.unchanged);
  const kind = unchanged.size === 0 ? "success" : moved.size === 0 ? "warning" : "info";
  return (
    <div data-testid="decision-results">
      <Notice kind={kind}>
        <p>
          <strong>
            {t(outcome.decision === "approve" ? "results.approved" : "results.rejected", { n: moved.size })}
          </strong>{" "}
          {unchanged.size > 0 && t("results.unchanged", { n: unchanged.size })}
        </p>
        <ul className="admin-results">
          {outcome.rows.map((row) => {
            const after = moved.get(row.id);
            return (
              <li key={row.id}>
                <span className="mono">{row.orderReference}</span>:{" "}
                {after
                  ? t("results.movedTo", { state: t(`state.${after.state}`) })
                  : unchanged.has(row.id)
                    ? t(outcome.decision === "approve" ? "results.notApprovable" : "results.notRejectable", {
                        state: t(`state.${row.state}`),
                      })
                    : t("results.unknown")}
              </li>
            );
          })}
        </ul>
        <button type="button" className="link" onClick={onDismiss}>
          {t("results.dismiss")}
        </button>
      </Notice>
    </div>
  );
}
