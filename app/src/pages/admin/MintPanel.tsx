// "Mint now": how many approved rewards wait for the minter, the button, and the run's progress.
import { useTranslation } from "react-i18next";
import { ErrorNotice } from "../../components/status.tsx";
import { MintProgress } from "./MintProgress.tsx";
import { LIST_MAX, useApprovedRewards } from "./queries.ts";
import { useMintRun } from "./use-mint-run.ts";

export function MintPanel() {
  const { t } = useTranslation("admin");
  const approved = useApprovedRewards();
  const { state, start, busy } = useMintRun();
  const waiting = approved.data?.length;

  return (
    <section aria-labelledby="admin-mint">
      <h2 id="admin-mint">{t("mint.title")}</h2>
      <p className="hint">{t("mint.intro")}</p>
      <div className="admin-actions">
        <button type="button" onClick={start} disabled={busy} aria-describedby="admin-mint-waiting">
          {t("mint.button")}
        </button>
        <span id="admin-mint-waiting">
          {approved.isPending
            ? t("mint.counting")
            : waiting === undefined
              ? ""
              : t("mint.waiting", { n: waiting >= LIST_MAX ? `${LIST_MAX}+` : waiting })}
        </span>
      </div>
      {approved.isError && <ErrorNotice error={approved.error} retry={() => void approved.refetch()} />}
      {state.phase !== "idle" && <MintProgress state={state} />}
    </section>
  );
}
