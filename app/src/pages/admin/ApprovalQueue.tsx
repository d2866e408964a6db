// The approval queue: filter, select, approve or reject in bulk, and see what each row did.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorNotice, Loading, Notice } from "../../components/status.tsx";
import { DecisionBar, type DecisionOutcome } from "./DecisionBar.tsx";
import { DecisionResults } from "./DecisionResults.tsx";
import { PAGE_SIZE, useAdminRewards } from "./queries.ts";
import { QueueFilters } from "./QueueFilters.tsx";
import { RewardsTable } from "./RewardsTable.tsx";
import type { RewardFilter } from "./types.ts";

export function ApprovalQueue() {
  const { t } = useTranslation("admin");
  const [filter, setFilter] = useState<RewardFilter>({ state: "pending_approval", sizing: "", referrer: "" });
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [outcome, setOutcome] = useState<DecisionOutcome | null>(null);
  const rewards = useAdminRewards(filter, offset);
  const rows = rewards.data ?? [];
  const selectedRows = rows.filter((row) => selected.has(row.id));

  function changeFilter(next: RewardFilter) {
    setFilter(next);
    setOffset(0);
    setSelected(new Set());
  }

  function toggle(id: string) {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  function page(nextOffset: number) {
    setOffset(Math.max(0, nextOffset));
    setSelected(new Set());
  }

  return (
    <section aria-labelledby="admin-queue">
      <h2 id="admin-queue">{t("queue.title")}</h2>
      <p className="hint">{t("queue.intro")}</p>
      <QueueFilters value={filter} onChange={changeFilter} />
      {outcome && <DecisionResults outcome={outcome} onDismiss={() => setOutcome(null)} />}
      {rewards.isPending ? (
        <Loading label={t("queue.loading")} />
      ) : rewards.isError ? (
        <ErrorNotice error={rewards.error} retry={() => void rewards.refetch()} />
      ) : (
        <>
          <DecisionBar
            selected={selectedRows}
            onDecided={(decided) => {
              setOutcome(decided);
              setSelected(new Set());
            }}
          />
          {rewards.isFetching && <Loading label={t("queue.refreshing")} />}
          {rows.length === 0 ? (
            <Notice>{t(offset > 0 ? "queue.emptyPage" : "queue.empty")}</Notice>
          ) : (
            <RewardsTable
              rows={rows}
              selected={selected}
              onToggle={toggle}
              onToggleAll={(select) => setSelected(select ? new Set(rows.map((row) => row.id)) : new Set())}
            />
          )}
          <nav className="admin-actions" aria-label={t("queue.pages")}>
            <button
              type="button"
              className="secondary"
              disabled={offset === 0}
              onClick={() => page(offset - PAGE_SIZE)}
            >
              {t("queue.previous")}
            </button>
            <span>
              {rows.length > 0 ? t("queue.range", { from: offset + 1, to: offset + rows.length }) : t("queue.noRows")}
            </span>
            <button
              type="button"
              className="secondary"
              disabled={rows.length < PAGE_SIZE}
              onClick={() => page(offset + PAGE_SIZE)}
            >
              {t("queue.next")}
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
