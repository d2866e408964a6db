// The reward sweep inside the server: every REWARD_SWEEP_INTERVAL_SECONDS, and on an admin's
// request. Runs in this process are serialised; replicas split the due tasks (see sweepRewardTasks).
import type { AppDeps } from "../../deps.ts";
import { type SweepSummary, sweepRewardTasks } from "./tasks.ts";

export interface RewardSweep {
  run(): Promise<SweepSummary>;
  close(): Promise<void>;
}

export function createRewardSweep(deps: AppDeps): RewardSweep {
  const logger = deps.logger.child({ job: "reward-sweep" });
  let running: Promise<SweepSummary> | undefined;
  const run = () => {
    running ??= sweepRewardTasks({ db: deps.db, rewards: deps.rewards, logger }).finally(() => {
      running = undefined;
    });
    return running;
  };
  const seconds = deps.config.rewardSweepIntervalSeconds;
  const timer =
    seconds > 0
      ? setInterval(
          () =>
            void run()
              .then((summary) => summary.attempted > 0 && logger.info(summary, "reward sweep"))
              .catch((error: unknown) => logger.warn({ err: error }, "reward sweep failed")),
          seconds * 1000,
        )
      : undefined;
  timer?.unref();
  return {
    run,
    async close() {
      if (timer) clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
