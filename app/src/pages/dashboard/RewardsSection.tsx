// "Rewards": every reward of the user, newest first, filterable by state, a page at a time, with
// a CSV of what is loaded.
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorNotice, Loading } from "../../components/status.tsx";
import { csvFilename, downloadCsv, rewardsCsv } from "./csv.ts";
import { useRewards } from "./queries.ts";
import { RewardRow } from "./RewardRow.tsx";
import { rewardStates, type RewardState } from "./types.ts";

export function RewardsSection({ userId }: { userId: string }) {
  const { t } = useTranslation("dashboard");
  const id = useId();
  const [state, setState] = useState<RewardState | "">("");
  const rewards = useRewards(userId, state || undefined);
  const rows = rewards.data?.pages.flat() ?? [];

  return (
    <section className="dashboard-section" aria-labelledby="rewards-heading">
      <h2 id="rewards-heading">{t("rewards.heading")}</h2>
      <div className="field-row">
        <label htmlFor={`${id}-state`}>
          {t("rewards.filter")}
          <select
            id={`${id}-state`}
            value={state}
            onChange={(event) => setState(event.target.value as RewardState | "")}
          >
            <option value="">{t("rewards.allStates")}</option>
            {rewardStates.map((value) => (
              <option key={value} value={value}>
                {t(`state.${value}`)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="secondary"
          disabled={rows.length === 0}
          onClick={() => downloadCsv(rewardsCsv(rows), csvFilename())}
        >
          {t("rewards.downloadCsv")}
        </button>
      </div>
      {rows.length > 0 && (
        <p className="hint">{t(rewards.hasNextPage ? "rewards.countMore" : "rewards.count", { n: rows.length })}</p>
      )}
      {rewards.isPending ? (
        <Loading label={t("rewards.loading")} />
      ) : rewards.isError && rows.length === 0 ? (
        <ErrorNotice error={rewards.error} retry={() => void rewards.refetch()} />
      ) : rows.length === 0 ? (
        <p className="hint" data-testid="rewards">
          {state ? t("rewards.emptyFiltered") : t("rewards.empty")}
        </p>
      ) : (
        <>
          {rewards.isPlaceholderData && <Loading label={t("rewards.loading")} />}
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="rewards-heading">
            <table data-testid="rewards" className="rewards-table">
              <caption className="visually-hidden">{t("rewards.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("rewards.col.created")}</th>
                  <th scope="col">{t("rewards.col.order")}</th>
                  <th scope="col">{t("rewards.col.state")}</th>
                  <th scope="col" className="num">
                    {t("rewards.col.fiat")}
                  </th>
                  <th scope="col" className="num">
                    {t("rewards.col.tokens")}
                  </th>
                  <th scope="col">{t("rewards.col.price")}</th>
                  <th scope="col">{t("rewards.col.payout")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((reward) => (
                  <RewardRow key={reward.id} reward={reward} />
                ))}
              </tbody>
            </table>
          </div>
          {rewards.isError && <ErrorNotice error={rewards.error} retry={() => void rewards.fetchNextPage()} />}
          {rewards.hasNextPage && (
            <button
              type="button"
              className="secondary"
              onClick={() => void rewards.fetchNextPage()}
              disabled={rewards.isFetchingNextPage}
            >
              {rewards.isFetchingNextPage ? t("rewards.loadingMore") : t("rewards.loadMore")}
            </button>
          )}
        </>
      )}
    </section>
  );
}
