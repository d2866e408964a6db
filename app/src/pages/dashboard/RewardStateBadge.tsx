// A reward's state as a badge, with what it means (and why, for failures and pending prices).
import { useTranslation } from "react-i18next";
import { useFormat } from "../../i18n/format.ts";
import type { Reward } from "./types.ts";

export function RewardStateBadge({ reward }: { reward: Reward }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  const note =
    reward.state === "pending_approval" && reward.approveAfter
      ? t("rewards.approveAfter", { date: format.date(reward.approveAfter) })
      : reward.state === "failed" && reward.lastError
        ? reward.lastError
        : reward.sizing === "pending_price"
          ? t("rewards.pendingPrice")
          : undefined;
  return (
    <>
      <span className={`state state-${reward.state}`} data-testid="reward-state">
        {t(`state.${reward.state}`)}
      </span>
      <div className="hint">{t(`stateHelp.${reward.state}`)}</div>
      {note && <div className="hint">{note}</div>}
    </>
  );
}
