// Bulk approve / reject of the selected rows. Rejecting needs a reason (the server wants 3+
// characters): until there is one the button stays disabled and the hint beside it says so.
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorNotice } from "../../components/status.tsx";
import { useDecideRewards } from "./queries.ts";
import type { Decision, Reward } from "./types.ts";

const MIN_REASON = 3;

export interface DecisionOutcome {
  decision: "approve" | "reject";
  rows: Pick<Reward, "id" | "orderReference" | "state">[];
  result: Decision;
}

export function DecisionBar({
  selected,
  onDecided,
}: {
  selected: Reward[];
  onDecided: (outcome: DecisionOutcome) => void;
}) {
  const { t } = useTranslation("admin");
  const decide = useDecideRewards();
  const [reason, setReason] = useState("");
  const reasonId = useId();
  const approveHintId = useId();
  const rejectHintId = useId();
  const count = selected.length;
  const reasonOk = reason.trim().length >= MIN_REASON;

  const approveBlocked = count === 0 ? t("decide.selectFirst") : null;
  const rejectBlocked =
    count === 0 ? t("decide.selectFirst") : !reasonOk ? t("decide.reasonNeeded", { min: MIN_REASON }) : null;

  function run(decision: "approve" | "reject") {
    const rows = selected.map(({ id, orderReference, state }) => ({ id, orderReference, state }));
    decide.mutate(
      { decision, ids: rows.map((row) => row.id), ...(decision === "reject" ? { reason: reason.trim() } : {}) },
      {
        onSuccess: (result) => {
          onDecided({ decision, rows, result });
          if (decision === "reject") setReason("");
        },
      },
    );
  }

  const busy = decide.isPending;
  return (
    <div className="card">
      <p role="status" aria-live="polite">
        {t("decide.selected", { n: count })}
        {busy && ` — ${t("decide.saving")}`}
      </p>
      <div className="admin-actions">
        <button
          type="button"
          onClick={() => run("approve")}
          disabled={busy || approveBlocked !== null}
          aria-describedby={approveBlocked ? approveHintId : undefined}
        >
          {t("decide.approve")}
        </button>
        {approveBlocked && (
          <span id={approveHintId} className="hint">
            {approveBlocked}
          </span>
        )}
      </div>
      <div className="admin-actions">
        <div className="admin-field">
          <label htmlFor={reasonId}>{t("decide.reason")}</label>
          <input
            id={reasonId}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            maxLength={500}
            autoComplete="off"
            aria-describedby={rejectBlocked ? rejectHintId : undefined}
          />
        </div>
        <button
          type="button"
          className="danger"
          onClick={() => run("reject")}
          disabled={busy || rejectBlocked !== null}
          aria-describedby={rejectBlocked ? rejectHintId : undefined}
        >
          {t("decide.reject")}
        </button>
        {rejectBlocked && (
          <span id={rejectHintId} className="hint">
            {rejectBlocked}
          </span>
        )}
      </div>
      {decide.error && <ErrorNotice error={decide.error} />}
    </div>
  );
}
