// `node scripts/indexer.ts`: the Ponder indexer in the foreground, for a container (the image's
// second command). `npm start` runs the indexer through scripts/lib/indexer.ts instead, which
// waits for it to be ready; here Ponder's own /health and /ready are the orchestrator's probes,
// and a first backfill may take far longer than any start-up wait should.
//
// Ponder reads NETWORK, DEPLOYMENTS_DIR, RPC_URL, RPC_WS_URL, DATABASE_URL, INDEXER_POLLING_MS and
// INDEXER_RPC_LANES itself (ponder.config.ts, indexer/settings.ts); this entrypoint adds:
//   INDEXER_SCHEMA        Ponder's schema (default: named after the code and the deployment, so a
//                         new image or a redeployed contract reindexes into a fresh schema)
//   INDEXER_VIEWS_SCHEMA  the stable views the server's analytics reads (default refcodes_indexer)
//   HOST / INDEXER_PORT   where its HTTP listens (default 127.0.0.1:42069; the image sets 0.0.0.0)
//   INDEXER_LOG_LEVEL     error | warn | info | debug (default info)
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { loadDeployment } from "../deployments/load.ts";
import { DEFAULT_INDEXER_VIEWS_SCHEMA } from "../server/config.ts";
import { sqlIdentifier } from "../server/db/sql-identifier.ts";
import { indexerSchemaFor, ponderStart } from "./lib/indexer.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

const envSchema = z.object({
  NETWORK: z.string().min(1).default("local"),
  DEPLOYMENTS_DIR: z.string().min(1).optional(),
  INDEXER_SCHEMA: sqlIdentifier.optional(),
  INDEXER_VIEWS_SCHEMA: sqlIdentifier.default(DEFAULT_INDEXER_VIEWS_SCHEMA),
  HOST: z.string().min(1).default("127.0.0.1"),
  INDEXER_PORT: z.coerce.number().int().min(1).max(65535).default(42069),
  INDEXER_LOG_LEVEL: z.enum(["error", "warn", "info", "debug"]).default("info"),
});

/** Ponder's command line and environment for this environment; throws a zod error naming each
 *  bad variable. */
export function ponderStartFromEnv(rawEnv: NodeJS.ProcessEnv) {
  const env = envSchema.parse(Object.fromEntries(Object.entries(rawEnv).filter(([, value]) => value !== "")));
  return ponderStart({
    schema: env.INDEXER_SCHEMA ?? indexerSchemaFor(loadDeployment(env.NETWORK, env.DEPLOYMENTS_DIR)),
    viewsSchema: env.INDEXER_VIEWS_SCHEMA,
    port: env.INDEXER_PORT,
    host: env.HOST,
    logLevel: env.INDEXER_LOG_LEVEL,
  });
}

if (import.meta.main) {
  let ponder: ReturnType<typeof ponderStartFromEnv>;
  try {
    ponder = ponderStartFromEnv(process.env);
  } catch (error) {
    console.error(`indexer: ${error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message}`);
    process.exit(1);
  }
  const child = spawn(process.execPath, ponder.args, {
    cwd: root,
    env: { ...process.env, ...ponder.env },
    stdio: "inherit",
  });
  // The orchestrator signals this process (PID 1 in a container); Ponder must hear it to flush
  // and release its schema lock before the next pod takes over.
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
