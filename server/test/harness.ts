// Integration-test harness: a real PostgreSQL (embedded by default, DATABASE_URL's server when
// given), a fresh database per test file, a real anvil with the contracts deployed, the real
// server on a free port, and a cookie-keeping client that signs in with real SIWE signatures.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Address, type Hex } from "viem";
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { type Anvil, startAnvil } from "../../scripts/lib/anvil.ts";
import { fetchWithCookieJar, type JarResponse } from "../../scripts/lib/http-session.ts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { deployReferralRewards } from "../../scripts/lib/deploy.ts";
import { type RawEnv, loadConfig } from "../config.ts";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "../db/embedded.ts";
import { type RunningServer, startServer } from "../server.ts";
import type { RewardHook } from "../rewards/hook.ts";

let embedded: Promise<EmbeddedDatabase> | undefined;

/** The PostgreSQL server tests use: DATABASE_URL when set; else the embedded one `npm test` started
 *  for the whole pass (REFCODES_TEST_EMBEDDED_URL: one cluster instead of an initdb per test file);
 *  else an embedded one of this process. */
async function serverUrl(): Promise<{ url: string; kind: "embedded" | "DATABASE_URL" }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, kind: "DATABASE_URL" };
  if (process.env.REFCODES_TEST_EMBEDDED_URL) return { url: process.env.REFCODES_TEST_EMBEDDED_URL, kind: "embedded" };
  embedded ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "refcodes-pg-"));
    const db = await startEmbeddedPostgres(dir, { persistent: false });
    return {
      ...db,
      stop: async () => {
        await db.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  })();
  return { url: (await embedded).url, kind: "embedded" };
}

export interface TestDatabase {
  url: string;
  kind: "embedded" | "DATABASE_URL";
  drop(): Promise<void>;
}

/** A new, empty database on the test server; drop() removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = await serverUrl();
  const name = `refcodes_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: server.kind,
    async drop() {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export interface TestStack {
  server: RunningServer;
  url: string;
  anvil: Anvil;
  database: TestDatabase;
  /** A client with its own cookie jar. */
  client(): TestClient;
  stop(): Promise<void>;
}

/** The environment of a test server on `databaseUrl` and `rpcUrl`: a free port, no logs, the SIWE
 *  domain localhost:5173 and no scheduled minter runs; `env` overrides any of it. */
export function testServerEnv(databaseUrl: string, rpcUrl: string, env: RawEnv = {}): RawEnv {
  return {
    PORT: "0",
    LOG_LEVEL: "silent",
    DATABASE_URL: databaseUrl,
    RPC_URL: rpcUrl,
    PUBLIC_URL: "http://localhost:5173",
    MINT_INTERVAL_SECONDS: "0", // tests run the minter explicitly
    REWARD_SWEEP_INTERVAL_SECONDS: "0", // and the reward sweep
    // Tests send bursts from one address; server/security/rate-limit.test.ts tests the limits.
    RATE_LIMIT_NONCE_PER_MINUTE: "100000",
    RATE_LIMIT_AUTH_PER_MINUTE: "100000",
    RATE_LIMIT_BEACON_PER_MINUTE: "100000",
    ...env,
  };
}

/** Starts anvil + deployment + a fresh database + the server. `env` overrides the server config. */
export async function startTestStack(options: { env?: RawEnv; rewards?: RewardHook } = {}): Promise<TestStack> {
  const anvil = await startAnvil();
  const cleanup: (() => Promise<void>)[] = [() => anvil.stop()];
  activeStacks++;
  try {
    return await startOnChain(anvil, cleanup, options);
  } catch (error) {
    for (const step of cleanup.reverse()) await step().catch(() => {});
    await releaseStack();
    throw error;
  }
}

/** Stacks of this process still running; the shared embedded server stops with the last one. */
let activeStacks = 0;

async function releaseStack() {
  activeStacks--;
  if (activeStacks === 0) await stopEmbedded();
}

/** Stops the per-process embedded server, if one was started: a test file that uses
 *  createTestDatabase without a stack calls it in `after` (a stack's stop() does already). */
export async function stopEmbedded() {
  const running = embedded;
  embedded = undefined;
  if (running) await (await running.catch(() => undefined))?.stop();
}

async function startOnChain(
  anvil: Anvil,
  cleanup: (() => Promise<void>)[],
  options: { env?: RawEnv; rewards?: RewardHook },
): Promise<TestStack> {
  const admin = privateKeyToAccount(anvilKeys.deployer);
  const deployment = await deployReferralRewards({
    network: "test",
    rpcUrl: anvil.rpcUrl,
    deployerKey: anvilKeys.deployer,
    operator: privateKeyToAccount(anvilKeys.operator).address,
    admin: admin.address,
    mode: "MINT",
  });
  const database = await createTestDatabase();
  cleanup.push(() => database.drop());
  const config = loadConfig(testServerEnv(database.url, anvil.rpcUrl, options.env));
  const server = await startServer(config, { deployment, ...(options.rewards ? { rewards: options.rewards } : {}) });
  return {
    server,
    url: server.url,
    anvil,
    database,
    client: () => new TestClient(server.url),
    async stop() {
      await server.stop();
      await database.drop();
      await anvil.stop();
      await releaseStack();
    },
  };
}

export type TestResponse<T = any> = JarResponse<T>;

/** fetch with a cookie jar, JSON in and out, sending its server's origin as a page of it would
 *  (the CSRF check wants it on signed-in POSTs); `headers: { origin: ... }` overrides it. */
export class TestClient {
  readonly baseUrl: string;
  readonly cookies = new Map<string, string>();
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async request<T = any>(
    method: string,
    path: string,
    init: { json?: unknown; body?: string; headers?: Record<string, string> } = {},
  ): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { origin: new URL(this.baseUrl).origin, ...init.headers };
    return fetchWithCookieJar<T>(this.baseUrl, this.cookies, method, path, { ...init, headers });
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>("GET", path, headers ? { headers } : {});
  }

  post<T = any>(path: string, json?: unknown, headers?: Record<string, string>) {
    return this.request<T>("POST", path, { json: json ?? {}, ...(headers ? { headers } : {}) });
  }
}

export const newAccount = (): PrivateKeyAccount => privateKeyToAccount(generatePrivateKey());

export interface SiweFields {
  domain?: string;
  uri?: string;
  chainId?: number;
  nonce?: string;
  issuedAt?: Date;
  expirationTime?: Date;
  notBefore?: Date;
}

/** A SIWE message for the test server (localhost:5173, chain 31337) with a fresh nonce unless given. */
export async function siweMessage(client: TestClient, address: Address, fields: SiweFields = {}): Promise<string> {
  const nonce = fields.nonce ?? (await client.get<{ nonce: string }>("/api/auth/nonce")).body.nonce;
  return createSiweMessage({
    domain: fields.domain ?? "localhost:5173",
    uri: fields.uri ?? "http://localhost:5173/",
    address,
    chainId: fields.chainId ?? 31337,
    nonce,
    version: "1",
    statement: "Sign in to Refcodes",
    issuedAt: fields.issuedAt ?? new Date(),
    ...(fields.expirationTime ? { expirationTime: fields.expirationTime } : {}),
    ...(fields.notBefore ? { notBefore: fields.notBefore } : {}),
  });
}

/** Signs in through the real SIWE flow; returns the session body. */
export async function signIn(client: TestClient, account: PrivateKeyAccount = newAccount()) {
  const message = await siweMessage(client, account.address);
  const signature: Hex = await account.signMessage({ message });
  const response = await client.post("/api/auth/verify", { message, signature });
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { account, session: response.body as { userId: string; wallet: Address; isAdmin: boolean } };
}
