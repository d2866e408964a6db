// Secrets never reach the logs: the server runs in its own process at LOG_LEVEL=trace through a
// whole flow — SIWE sign-ins, a host API key created and used, signed WayForPay and Stripe
// webhooks, an approval, a mint through the cron route — plus refused attempts with wrong
// credentials, and everything it printed is searched for every secret value that was in play.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { createApiKey } from "../auth/api-keys.ts";
import { SESSION_COOKIE } from "../auth/sessions.ts";
import { deskRates, priceSources } from "../db/schema.ts";
import { stripeDelivery, stripeEvent, wayforpayCallback } from "../test/payment-fixtures.ts";
import { newAccount, siweMessage, startTestStack, TestClient, testServerEnv, type TestStack } from "../test/harness.ts";

const random = (bytes = 24) => randomBytes(bytes).toString("base64url");
const SECRETS = {
  CRON_SECRET: `cron-${random()}`,
  WAYFORPAY_MERCHANT_ACCOUNT: "refcodes_log_test",
  WAYFORPAY_SECRET_KEY: `wfp-${random()}`,
  STRIPE_WEBHOOK_SECRET: `whsec_${random()}`,
  REFERRAL_MINTER_PRIVATE_KEY: anvilKeys.operator,
};

let stack: TestStack;
let child: ChildProcess;
let logs = "";
/** Every secret value the flow used, by what it is. */
const used = new Map<string, string>();

async function startLoggedServer(): Promise<string> {
  const admin = privateKeyToAccount(anvilKeys.deployer);
  const env = testServerEnv(stack.database.url, stack.anvil.rpcUrl, {
    ...SECRETS,
    LOG_LEVEL: "trace",
    ADMIN_WALLETS: admin.address,
  });
  child = spawn(process.execPath, [fileURLToPath(new URL("./logged-server.ts", import.meta.url))], {
    env: {
      PATH: process.env.PATH,
      ...env,
      SECURITY_TEST_DEPLOYMENT: JSON.stringify(stack.server.deps.chain.deployment),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (logs += text));
  return new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the logged server exited (${code}):\n${logs}`)));
    child.stderr!.setEncoding("utf8").on("data", (text: string) => {
      logs += text;
      const ready = /READY (\S+)/.exec(text);
      if (ready) resolve(ready[1]!);
    });
  });
}

/** Signs in through SIWE, keeping the signature and the session token among the used secrets. */
async function signInLogged(client: TestClient, account = newAccount(), label: string) {
  const message = await siweMessage(client, account.address);
  const signature: Hex = await account.signMessage({ message });
  used.set(`${label}'s SIWE signature`, signature);
  const response = await client.post("/api/auth/verify", { message, signature });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  used.set(`${label}'s session token`, client.cookies.get(SESSION_COOKIE)!);
  return account;
}

before(async () => {
  stack = await startTestStack();
  const db = stack.server.deps.db;
  await db.insert(priceSources).values({ currency: "USD", kind: "desk", updatedBy: "test" });
  await db.insert(deskRates).values({ currency: "USD", answer: "250000000", decimals: 8, setBy: "test" });
  const url = await startLoggedServer();
  for (const [name, value] of Object.entries(SECRETS)) if (name !== "WAYFORPAY_MERCHANT_ACCOUNT") used.set(name, value);
  used.set("the minter key without 0x", SECRETS.REFERRAL_MINTER_PRIVATE_KEY.slice(2));
  const databasePassword = new URL(stack.database.url).password;
  // The embedded server always has one; a DATABASE_URL server on trust auth (CI's) has none to leak.
  if (stack.database.kind === "embedded")
    assert.ok(databasePassword.length >= 8, "the test database has a password to leak");
  if (databasePassword) used.set("the DATABASE_URL password", decodeURIComponent(databasePassword));

  const admin = new TestClient(url);
  await signInLogged(admin, privateKeyToAccount(anvilKeys.deployer), "the admin");
  const referrer = new TestClient(url);
  const referrerAccount = await signInLogged(referrer, newAccount(), "the referrer");
  const code = (await referrer.post("/api/refcodes", {})).body.code as string;
  const buyer = new TestClient(url);
  buyer.cookies.set("ring_ref", code);
  await signInLogged(buyer, newAccount(), "the buyer");
  const order = await buyer.post("/api/orders", { amountMinor: 10_000, currency: "USD", kind: "store" });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  const orderReference = order.body.orderReference as string;

  const { key } = await createApiKey(db, "log test host");
  used.set("the host API key", key);
  const host = new TestClient(url);
  const hostRead = await host.get(`/api/v1/orders/${orderReference}`, { authorization: `Bearer ${key}` });
  assert.equal(hostRead.status, 200, JSON.stringify(hostRead.body));
  const wrongKey = `rk_${random(32)}`;
  used.set("a wrong API key", wrongKey);
  assert.equal(
    (await host.get(`/api/v1/orders/${orderReference}`, { authorization: `Bearer ${wrongKey}` })).status,
    401,
  );

  const paid = await host.request("POST", "/api/webhooks/wayforpay", {
    body: wayforpayCallback({
      orderReference,
      amount: "100.00",
      currency: "USD",
      transactionStatus: "Approved",
      merchantAccount: SECRETS.WAYFORPAY_MERCHANT_ACCOUNT,
      secretKey: SECRETS.WAYFORPAY_SECRET_KEY,
    }),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assert.equal(paid.status, 200, JSON.stringify(paid.body));
  const stripe = stripeDelivery(
    stripeEvent("checkout.session.completed", { id: "cs_test_logs", metadata: { orderReference: "NO-SUCH-ORDER" } }),
    { secret: SECRETS.STRIPE_WEBHOOK_SECRET },
  );
  const stripeAnswer = await host.request("POST", "/api/webhooks/stripe", {
    body: stripe.body,
    headers: { "content-type": "application/json", "stripe-signature": stripe.header },
  });
  assert.equal(stripeAnswer.status, 200, `verified with the secret: ${JSON.stringify(stripeAnswer.body)}`);

  // The reward step runs after the webhook's answer: wait for the reward, approve it, mint it.
  let rewardId: string | undefined;
  for (let tries = 0; !rewardId && tries < 100; tries++) {
    const rewards = (await admin.get("/api/admin/rewards")).body.rewards as { id: string; orderReference: string }[];
    rewardId = rewards.find((reward) => reward.orderReference === orderReference)?.id;
    if (!rewardId) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(rewardId, "the paid order gave the referrer a reward");
  assert.equal((await admin.post("/api/admin/rewards/approve", { ids: [rewardId] })).status, 200);
  const wrongCron = `cron-${random()}`;
  used.set("a wrong cron secret", wrongCron);
  assert.equal((await host.get("/api/cron/refcodes-mint", { authorization: `Bearer ${wrongCron}` })).status, 401);
  const mint = await host.get("/api/cron/refcodes-mint", { authorization: `Bearer ${SECRETS.CRON_SECRET}` });
  assert.equal(mint.status, 200, JSON.stringify(mint.body));
  assert.equal(mint.body.minted, 1, JSON.stringify(mint.body));
  assert.ok(referrerAccount.address);
  await admin.post("/api/auth/logout");

  child.kill("SIGTERM");
  await once(child, "exit");
});

after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await once(child, "exit");
  }
  await stack?.stop();
});

describe("the logs of a full run at LOG_LEVEL=trace", () => {
  it("were captured: every request and the mint are in them", () => {
    const lines = logs.split("\n").filter((line) => line.startsWith("{"));
    assert.ok(lines.length >= 20, `only ${lines.length} log lines:\n${logs}`);
    assert.match(logs, /"path":"\/api\/cron\/refcodes-mint"/);
    assert.match(logs, /"path":"\/api\/webhooks\/wayforpay"/);
    assert.match(logs, /"path":"\/api\/auth\/verify"/);
  });

  it("hold none of the secrets used, in any letter case", () => {
    assert.ok(used.size >= 12, [...used.keys()].join(", "));
    const haystack = logs.toLowerCase();
    const leaked = [...used].filter(([, value]) => haystack.includes(value.toLowerCase())).map(([what]) => what);
    assert.deepEqual(leaked, [], "secrets found in the server's output");
  });
});
