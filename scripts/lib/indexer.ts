// The Ponder indexer as a child process (Ponder has no programmatic API). Its settings travel as
// environment variables that ponder.config.ts reads (indexer/settings.ts); readiness is Ponder's
// `/ready`, and "caught up to block N" is its `/status`.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createPublicClient, http } from "viem";
import { LOCAL_CHAIN_ID } from "./clients.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const ponderBin = `${root}node_modules/ponder/dist/esm/bin/ponder.js`;

export interface IndexerOptions {
  databaseUrl: string;
  rpcUrl: string;
  network: string;
  /** Where <network>.json is (default deployments/). */
  deploymentsDir?: string;
  /** Ponder's own schema: tables plus its checkpoint; one build per schema. */
  schema: string;
  /** Stable views of the tables for other readers (the server's analytics). */
  viewsSchema: string;
  port?: number;
  host?: string;
  logLevel?: "error" | "warn" | "info" | "debug";
  /** Ponder's log lines, as they come. */
  onLog?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface RunningIndexer {
  url: string;
  graphqlUrl: string;
  process: ChildProcess;
  /** Resolves when Ponder has indexed the chain up to `blockNumber`. */
  waitForBlock(blockNumber: bigint | number, timeoutMs?: number): Promise<void>;
  /** Posts a GraphQL query to Ponder's API; throws on errors. */
  query<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

export class IndexerStartError extends Error {
  override name = "IndexerStartError";
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

export interface PonderStartOptions {
  schema: string;
  viewsSchema: string;
  port: number;
  host: string;
  logLevel: NonNullable<IndexerOptions["logLevel"]>;
}

/** `ponder start`'s command line and the environment it needs on top of the caller's. */
export function ponderStart(options: PonderStartOptions): { args: string[]; env: Record<string, string> } {
  return {
    args: [
      ponderBin,
      "start",
      "--root",
      `${root}indexer`,
      "--config",
      "../ponder.config.ts",
      "--schema",
      options.schema,
      "--views-schema",
      options.viewsSchema,
      "--port",
      String(options.port),
      "--hostname",
      options.host,
      "--log-format",
      "json",
      "--log-level",
      options.logLevel,
    ],
    env: {
      PONDER_TELEMETRY_DISABLED: "true",
      // Ponder prefers an inherited PORT (the server's: `PORT=9000 npm start`, the image's ENV) to --port.
      PORT: String(options.port),
    },
  };
}

export async function startIndexer(options: IndexerOptions): Promise<RunningIndexer> {
  const port = options.port || (await freePort()); // 0: any free port
  const host = options.host ?? "127.0.0.1";
  const ponder = ponderStart({
    schema: options.schema,
    viewsSchema: options.viewsSchema,
    port,
    host,
    logLevel: options.logLevel ?? (process.env.INDEXER_LOG_LEVEL as IndexerOptions["logLevel"]) ?? "warn",
  });
  const child = spawn(process.execPath, ponder.args, {
    cwd: root,
    env: {
      ...process.env,
      ...ponder.env,
      DATABASE_URL: options.databaseUrl,
      RPC_URL: options.rpcUrl,
      NETWORK: options.network,
      INDEXER_SCHEMA: options.schema,
      INDEXER_VIEWS_SCHEMA: options.viewsSchema,
      ...(options.deploymentsDir ? { DEPLOYMENTS_DIR: options.deploymentsDir } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) {
      if (!line) continue;
      output.push(line);
      if (output.length > 200) output.shift();
      options.onLog?.(line);
    }
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = once(child, "exit");

  const url = `http://${host}:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new IndexerStartError(`the indexer exited (code ${child.exitCode}):\n${output.slice(-30).join("\n")}`);
    }
    const ready = await fetch(`${url}/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new IndexerStartError(`the indexer was not ready in time:\n${output.slice(-30).join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const chain = createPublicClient({ transport: http(options.rpcUrl) });
  if ((await chain.getChainId()) === LOCAL_CHAIN_ID) {
    // Ponder treats a local chain's last 30 blocks as unfinalized and indexes them only when the
    // next block arrives; an empty block brings the indexer up to date at once.
    await chain.request({ method: "evm_mine" as never });
  }

  const query = async <T>(text: string, variables?: Record<string, unknown>): Promise<T> => {
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: text, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(`indexer GraphQL: ${body.errors.map((e) => e.message).join("; ")}`);
    return body.data as T;
  };

  return {
    url,
    graphqlUrl: `${url}/graphql`,
    process: child,
    query,
    async waitForBlock(blockNumber, timeoutMs = 30_000) {
      const target = Number(blockNumber);
      const until = Date.now() + timeoutMs;
      for (;;) {
        const status = (await fetch(`${url}/status`)
          .then((response) => response.json())
          .catch(() => undefined)) as Record<string, { block?: { number: number } }> | undefined;
        const indexed = status ? Object.values(status)[0]?.block?.number : undefined;
        if (indexed !== undefined && indexed >= target) return;
        if (Date.now() > until) {
          throw new Error(`the indexer did not reach block ${target} in ${timeoutMs} ms (at ${indexed ?? "none"})`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    stop,
  };
}

/** Drops an indexer's schemas (tests: one unique schema per run). Ponder's shared RPC cache
 *  (`ponder_sync`) is left alone. */
export async function dropIndexerSchemas(databaseUrl: string, schemas: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/**
 * Ponder refuses a schema that a different build of the app used before, so a long-lived
 * installation (`npm start`) names the schema after what the build depends on: the indexer's
 * code and the deployment it reads. A changed handler or a redeployed contract reindexes into a
 * new schema; the views schema (the readers' stable name) follows the newest.
 */
export function indexerSchemaFor(deployment: { chainId: number; proxy: string; startBlock: number }): string {
  const hash = createHash("sha256");
  const files = [
    "ponder.config.ts",
    "indexer/ponder.schema.ts",
    "indexer/settings.ts",
    ...readdirSync(`${root}indexer/src`, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .sort()
      .map((file) => `indexer/src/${file}`),
  ];
  for (const file of files) hash.update(file).update(readFileSync(`${root}${file}`));
  hash.update(`${deployment.chainId}:${deployment.proxy.toLowerCase()}:${deployment.startBlock}`);
  return `refcodes_ponder_${hash.digest("hex").slice(0, 12)}`;
}
