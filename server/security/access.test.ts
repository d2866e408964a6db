// Who may call what, checked over every operation of the server's own OpenAPI document, so a route
// added tomorrow is covered the day it is added: without credentials every operation but the few
// public ones answers 401; every admin operation answers 403 to a signed-in referrer; the host API
// wants its key and nothing else; and a referrer never gets another referrer's rows, whichever
// route is asked and whatever id is put in its path.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createApiKey, revokeApiKey } from "../auth/api-keys.ts";
import { newAccount, signIn, type TestClient, type TestResponse } from "../test/harness.ts";
import { startWebhookWorld, type WebhookWorld } from "../test/webhook-world.ts";

/** Operations anyone may call, each with the reason; every other one must want credentials. */
const PUBLIC_OPERATIONS = new Map([
  ["GET /api/auth/nonce", "the first step of signing in"],
  ["POST /api/auth/verify", "signing in"],
  ["POST /api/auth/logout", "ends whatever session the caller has (204 without one)"],
  ["POST /api/refcodes/track", "the visit beacon of public pages"],
  ["GET /api/refcodes/resolve/{code}", "a landing page shows whose code the visitor followed"],
  ["GET /api/verify/{orderReference}", "auditors check a payout without an account"],
  ["GET /api/app-config", "what the app needs before anyone signs in"],
  ["POST /api/webhooks/wayforpay", "authenticated by WayForPay's HMAC signature"],
  ["POST /api/webhooks/stripe", "authenticated by the Stripe-Signature header"],
  ["POST /api/orders/{orderReference}/checkout/wayforpay/return", "WayForPay sends the buyer back; it redirects only"],
]);

interface Operation {
  method: string;
  path: string;
  key: string;
  tags: string[];
  hostApi: boolean;
}

const isAdmin = (operation: Operation) => operation.path.startsWith("/api/admin/") || operation.tags.includes("admin");

let world: WebhookWorld;
let operations: Operation[];
let alice: { client: TestClient; userId: string; wallet: string; code: string };
let bob: { client: TestClient; userId: string; code: string };
let aliceOrder: string;
let aliceRewardId: string;

before(async () => {
  world = await startWebhookWorld({ CRON_SECRET: "cron-secret-for-the-access-test" });
  const document = (await world.stack.client().get("/api/openapi.json")).body as {
    paths: Record<string, Record<string, { tags?: string[]; security?: unknown[] }>>;
  };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      key: `${method.toUpperCase()} ${path}`,
      tags: operation.tags ?? [],
      hostApi: (operation.security ?? []).length > 0,
    })),
  );

  // Alice refers a buyer whose order is paid (a reward for her); Bob is a referrer with a code.
  const aliceAccount = newAccount();
  const aliceClient = world.stack.client();
  const aliceSession = (await signIn(aliceClient, aliceAccount)).session;
  const created = await aliceClient.post("/api/refcodes", {});
  assert.equal(created.status, 201, JSON.stringify(created.body));
  alice = { client: aliceClient, userId: aliceSession.userId, wallet: aliceAccount.address, code: created.body.code };
  const buyer = await world.referredBuyer({ referrer: aliceAccount, code: alice.code });
  aliceOrder = await buyer.order(10_000);
  assert.equal((await world.wayforpay({ orderReference: aliceOrder })).status, 200);
  const reward = await world.reward(aliceOrder);
  assert.ok(reward, "the paid order gave Alice a reward");
  aliceRewardId = reward.id;

  const bobClient = world.stack.client();
  const bobSession = (await signIn(bobClient)).session;
  const bobCode = await bobClient.post("/api/refcodes", {});
  assert.equal(bobCode.status, 201);
  bob = { client: bobClient, userId: bobSession.userId, code: bobCode.body.code };
});
after(() => world?.stop());

/** The operation's path with `values` in its {params} (a placeholder for any other). */
function fill(path: string, values: Record<string, string> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? "X00000000"));
}

function call(client: TestClient, operation: Operation, values?: Record<string, string>): Promise<TestResponse> {
  const url = fill(operation.path, values);
  return operation.method === "GET" ? client.get(url) : client.request(operation.method, url, { json: {} });
}

const described = (operation: Operation, response: TestResponse) =>
  `${operation.key} → ${response.status} ${JSON.stringify(response.body)?.slice(0, 300)}`;

describe("the route inventory", () => {
  it("lists the operations the checks below walk, public ones included", () => {
    assert.ok(operations.length >= 40, `only ${operations.length} operations in /api/openapi.json`);
    const keys = new Set(operations.map((operation) => operation.key));
    for (const key of PUBLIC_OPERATIONS.keys()) assert.ok(keys.has(key), `${key} is listed as public but gone`);
    assert.ok(operations.filter(isAdmin).length >= 20, "the admin operations are found");
  });
});

describe("without credentials", () => {
  it("every operation but the public ones answers 401", async () => {
    const anonymous = world.stack.client();
    const failures: string[] = [];
    for (const operation of operations) {
      if (PUBLIC_OPERATIONS.has(operation.key)) continue;
      const response = await call(anonymous, operation);
      if (response.status !== 401) failures.push(described(operation, response));
    }
    assert.deepEqual(failures, [], "operations that did not ask for credentials");
  });

  it("a forged or expired session cookie is no credential either", async () => {
    const forged = world.stack.client();
    forged.cookies.set("ring_session", "a".repeat(43));
    for (const operation of operations.filter((operation) => !PUBLIC_OPERATIONS.has(operation.key))) {
      const response = await call(forged, operation);
      assert.equal(response.status, 401, described(operation, response));
    }
  });
});

describe("admin operations", () => {
  it("answer 403 to a signed-in referrer, and do not to the admin", async () => {
    const failures: string[] = [];
    for (const operation of operations.filter(isAdmin)) {
      const asReferrer = await call(bob.client, operation);
      if (asReferrer.status !== 403) failures.push(`referrer: ${described(operation, asReferrer)}`);
      // The admin's answer (often a 400 for the empty body, or a 404) shows the 403 was the role's.
      const asAdmin = await call(world.admin, operation);
      if ([401, 403].includes(asAdmin.status)) failures.push(`admin: ${described(operation, asAdmin)}`);
    }
    assert.deepEqual(failures, []);
  });
});

describe("the host API", () => {
  it("wants a live API key: an admin's session, a revoked key or a malformed header are refused", async () => {
    const db = world.stack.server.deps.db;
    const revoked = await createApiKey(db, "revoked host");
    assert.equal(await revokeApiKey(db, revoked.id), true);
    const live = await createApiKey(db, "live host");
    const hostOperations = operations.filter((operation) => operation.hostApi);
    assert.ok(hostOperations.length >= 4, "the /api/v1 operations declare their key");
    for (const operation of hostOperations) {
      assert.ok(operation.path.startsWith("/api/v1/"), `${operation.key}: a host operation outside /api/v1`);
      const url = fill(operation.path, { ref: aliceOrder, orderReference: aliceOrder });
      const send = (client: TestClient, headers: Record<string, string> = {}) =>
        client.request(operation.method, url, operation.method === "GET" ? { headers } : { json: {}, headers });
      for (const [who, response] of [
        ["admin session", await send(world.admin)],
        ["revoked key", await send(world.stack.client(), { authorization: `Bearer ${revoked.key}` })],
        ["basic auth", await send(world.stack.client(), { authorization: `Basic ${btoa(`x:${live.key}`)}` })],
      ] as const) {
        assert.equal(response.status, 401, `${who}: ${described(operation, response)}`);
      }
      const accepted = await send(world.stack.client(), { authorization: `Bearer ${live.key}` });
      assert.notEqual(accepted.status, 401, `live key: ${described(operation, accepted)}`);
    }
  });
});

describe("a referrer and another referrer's data", () => {
  const aliceIds = () => ({
    userId: alice.userId,
    wallet: alice.wallet,
    code: alice.code,
    order: aliceOrder,
    reward: aliceRewardId,
  });
  /** Which of Alice's identifiers `text` holds, ignoring case (addresses come checksummed or not). */
  const aliceIdsIn = (text: string, except: string[] = []) =>
    Object.entries(aliceIds())
      .filter(([, id]) => !except.includes(id) && text.toLowerCase().includes(id.toLowerCase()))
      .map(([name]) => name);

  const scoped = () =>
    operations.filter(
      (operation) => !PUBLIC_OPERATIONS.has(operation.key) && !isAdmin(operation) && !operation.hostApi,
    );

  it("Alice's own views show her code and reward (the identifiers below are the right ones)", async () => {
    const codes = await alice.client.get("/api/refcodes");
    assert.deepEqual(aliceIdsIn(JSON.stringify(codes.body)).includes("code"), true);
    const rewards = await alice.client.get("/api/rewards");
    assert.equal(rewards.status, 200);
    assert.ok(aliceIdsIn(JSON.stringify(rewards.body)).includes("order"), JSON.stringify(rewards.body));
    const mine = await bob.client.get("/api/refcodes");
    assert.ok(JSON.stringify(mine.body).includes(bob.code), "Bob sees his own code");
  });

  it("no GET route shows Bob any of Alice's rows, with or without her ids in its path", async () => {
    const failures: string[] = [];
    const values = { code: alice.code, ref: aliceOrder, orderReference: aliceOrder, id: aliceRewardId };
    for (const operation of scoped().filter((operation) => operation.method === "GET")) {
      const given = [...operation.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => values[name as keyof typeof values]);
      const response = await call(bob.client, operation, values);
      const leaked = aliceIdsIn(JSON.stringify(response.body ?? ""), given);
      if (leaked.length > 0) failures.push(`${described(operation, response)} shows Alice's ${leaked.join(", ")}`);
      if (given.length > 0 && response.status < 400) failures.push(`${described(operation, response)} answered`);
    }
    assert.deepEqual(failures, []);
  });

  it("no route acting on a named resource lets Bob act on Alice's, and her state is unchanged", async () => {
    const values = { code: alice.code, ref: aliceOrder, orderReference: aliceOrder, id: aliceRewardId };
    const failures: string[] = [];
    for (const operation of scoped().filter(
      (operation) => operation.method !== "GET" && operation.path.includes("{"),
    )) {
      const response = await call(bob.client, operation, values);
      if (response.status < 400 || [401, 500].includes(response.status)) failures.push(described(operation, response));
      const leaked = aliceIdsIn(JSON.stringify(response.body ?? ""), Object.values(values));
      if (leaked.length > 0) failures.push(`${described(operation, response)} shows Alice's ${leaked.join(", ")}`);
    }
    assert.deepEqual(failures, []);
    const codes = (await alice.client.get("/api/refcodes")).body.codes as { code: string; active: boolean }[];
    assert.equal(codes.find((code) => code.code === alice.code)?.active, true, "Alice's code is still active");
    assert.equal((await world.order(aliceOrder)).status, "paid");
  });
});
