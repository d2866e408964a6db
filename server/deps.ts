import type { Logger } from "pino";
import type { AdminCheck } from "./auth/admin.ts";
import type { ChainContext } from "./chain.ts";
import type { ServerConfig } from "./config.ts";
import type { Database, Db } from "./db/client.ts";
import type { Metrics } from "./http/metrics.ts";
import type { RewardHook } from "./rewards/hook.ts";
import type { Sizer } from "./rewards/ledger/size.ts";

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
  /** Prices rewards (the order-paid hook and every minter run share its token-decimals cache). */
  sizer: Sizer;
}
