// Helpers shared by the auth integration tests (not a test file itself).
import assert from "node:assert/strict";
import pg from "pg";
import type { Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { type RawEnv, loadConfig } from "../config.ts";
import { type RunningServer, startServer } from "../server.ts";
import {
  type SiweFields,
  TestClient,
  type TestResponse,
  type TestStack,
  siweMessage,
  testServerEnv,
} from "../test/harness.ts";
import { SESSION_COOKIE } from "./sessions.ts";

/** A second server on the stack's chain and database with other settings (PUBLIC_URL, SIWE_CHAIN_IDS...). */
export async function startExtraServer(
  stack: TestStack,
  env: RawEnv,
): Promise<{ server: RunningServer; client(): TestClient; stop(): Promise<void> }> {
  const config = loadConfig(testServerEnv(stack.database.url, stack.anvil.rpcUrl, env));
  const server = await startServer(config, { deployment: stack.server.deps.chain.deployment });
  return { server, client: () => new TestClient(server.url), stop: () => server.stop() };
}

/** Runs one statement on the stack's database with plain pg (what an operator or a clock would do). */
export async function query<T extends pg.QueryResultRow = any>(stack: TestStack, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: stack.database.url });
  await client.connect();
  try {
    return await client.query<T>(text, values);
  } finally {
    await client.end();
  }
}

/** The response's session Set-Cookie line, if it set one. */
export const sessionCookieLine = (response: TestResponse) =>
  response.setCookies.find((line) => line.startsWith(`${SESSION_COOKIE}=`));

/** The session token in a client's cookie jar. */
export const sessionToken = (client: TestClient) => client.cookies.get(SESSION_COOKIE);

/** A failure: the status, the error code, and no session cookie set. */
export function assertRejected(response: TestResponse, status: number, code: string) {
  assert.equal(
    response.status,
    status,
    `expected ${status} ${code}, got ${response.status} ${JSON.stringify(response.body)}`,
  );
  assert.equal(response.body.error, code, JSON.stringify(response.body));
  assert.equal(sessionCookieLine(response), undefined, "no session cookie on a failure");
}

/** A SIWE message for `address` (default: the signer's) with a fresh nonce, signed by `signer`. */
export async function signedSiwe(
  client: TestClient,
  signer: PrivateKeyAccount,
  fields: SiweFields & { address?: Hex } = {},
): Promise<{ message: string; signature: Hex }> {
  const { address, ...rest } = fields;
  const message = await siweMessage(client, address ?? signer.address, rest);
  return { message, signature: await signer.signMessage({ message }) };
}
