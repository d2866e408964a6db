import type { Logger } from "pino";
import type { AdminCheck } from "./auth/admin.ts";
import type { ChainContext } from "./chain.ts";
import type { ServerConfig } from "./config.ts";
import type { Database, Db } from "./db/client.ts";
import type { Metrics } from "./http/metrics.ts";
import type { RewardHook } from "./rewards/hook.ts";

/** Everything a route module needs; built once in createServer, passed down explicitly. */
export interface AppDeps {
  config: ServerConfig;
  database: Database;
  db: Db;
  logger: Logger;
  chain: ChainContext;
  metrics: Metrics;
  isAdmin: AdminCheck;
  rewards: RewardHook;
}
