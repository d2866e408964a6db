// What the indexer reads from the environment, validated once, with messages that name the
// variable. Shared by ponder.config.ts and the scripts that start the indexer.
import { z } from "zod";
import { loadDeployment } from "../deployments/load.ts";
import type { Deployment } from "../deployments/schema.ts";
import { readLocalChain } from "../scripts/lib/local-chain.ts";
import { DEFAULT_INDEXER_VIEWS_SCHEMA } from "../server/config.ts";
import { sqlIdentifier } from "../server/db/sql-identifier.ts";

export const LOCAL_CHAIN_ID = 31337;

const envSchema = z.object({
  NETWORK: z.string().min(1).default("local"),
  DEPLOYMENTS_DIR: z.string().min(1).optional(),
  RPC_URL: z.url({ protocol: /^https?$/ }).optional(),
  RPC_WS_URL: z.url({ protocol: /^wss?$/ }).optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  INDEXER_POLLING_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  INDEXER_SCHEMA: sqlIdentifier.default("refcodes_ponder"),
  INDEXER_VIEWS_SCHEMA: sqlIdentifier.default(DEFAULT_INDEXER_VIEWS_SCHEMA),
  INDEXER_RPC_LANES: z.coerce.number().int().min(1).max(50).optional(),
});

/**
 * Ponder 0.16 rate-limits each RPC URL on its own, starting at 20 requests/s and growing only
 * after ~10 s of success, with no setting for the start. A local anvil has no limit to respect,
 * so there the URL is listed this many times (each listing its own budget); a backfill is then
 * bound by anvil, not by the limiter (bench:indexer: ~1,900 → 3,000+ events/s).
 */
const LOCAL_RPC_LANES = 10;

export interface IndexerSettings {
  network: string;
  deployment: Deployment;
  rpcUrl: string;
  wsUrl: string | undefined;
  databaseUrl: string;
  local: boolean;
  pollingIntervalMs: number;
  /** How many times the RPC URL is given to Ponder: its request budget is per listing. */
  rpcLanes: number;
  schema: string;
  viewsSchema: string;
}

export class IndexerSettingsError extends Error {
  override name = "IndexerSettingsError";
}

export function indexerSettings(rawEnv: NodeJS.ProcessEnv): IndexerSettings {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(rawEnv).filter(([, v]) => v !== "")));
  if (!parsed.success) throw new IndexerSettingsError(`indexer: ${z.prettifyError(parsed.error)}`);
  const env = parsed.data;
  const deployment = loadDeployment(env.NETWORK, env.DEPLOYMENTS_DIR);
  const localChain = env.NETWORK === "local" ? readLocalChain() : undefined;
  const rpcUrl = env.RPC_URL ?? localChain?.rpcUrl;
  if (!rpcUrl) throw new IndexerSettingsError(`indexer: RPC_URL is required for network "${env.NETWORK}"`);
  if (!env.DATABASE_URL) throw new IndexerSettingsError("indexer: DATABASE_URL is required (the server's database)");
  const local = deployment.chainId === LOCAL_CHAIN_ID;
  // anvil answers websockets on its HTTP port: a new block reaches the indexer at once.
  const wsUrl = env.RPC_WS_URL ?? (local ? rpcUrl.replace(/^http/, "ws") : undefined);
  return {
    network: env.NETWORK,
    deployment,
    rpcUrl,
    wsUrl,
    databaseUrl: env.DATABASE_URL,
    local,
    pollingIntervalMs: local ? 100 : env.INDEXER_POLLING_MS,
    rpcLanes: env.INDEXER_RPC_LANES ?? (local ? LOCAL_RPC_LANES : 1),
    schema: env.INDEXER_SCHEMA,
    viewsSchema: env.INDEXER_VIEWS_SCHEMA,
  };
}
