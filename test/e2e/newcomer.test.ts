// The newcomer's path, end to end and without a browser: `npm start` exactly as a newcomer runs
// it (state in a temp dir, free ports, CRON_SECRET set and the schedule off so the cron call is
// what mints), then the README's walkthrough through the same HTTP requests the app makes:
// open the app, the admin sets a price, a referrer signs in and creates a code, a buyer opens the
// referral link (first-touch cookie), signs up with Ethereum and orders, WayForPay's signed
// webhook pays the order, the admin approves the reward, the cron route mints it. Then the proof:
// `paidOrders` on the contract, the payout in the indexer's GraphQL, the reward `minted` in the
// ledger (API and SQL), the verify page's API; and Ctrl-C stops everything, leaving nothing behind.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { createPublicClient, type Hex, http, isAddressEqual } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { referralRewardsAbi } from "../../deployments/abi.ts";
import { HttpSession } from "../../scripts/lib/http-session.ts";
import { orderRefOf } from "../../scripts/lib/order-ref.ts";
import { rootDir } from "../../scripts/lib/paths.ts";
import { acceptanceSignature, wayforpayCallback } from "../../server/test/payment-fixtures.ts";
import { listening, type NpmStart, npmStart, printedAccounts, printedField, processesMatching } from "./npm-start.ts";

const step = (text: string) => console.log(`# newcomer: ${text}`);

/** Polls until `probe` returns a value, or fails naming `what`. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("a newcomer's path: npm start, the walkthrough, Ctrl-C", { timeout: 240_000 }, () => {
  const cronSecret = randomBytes(24).toString("hex");
  let start: NpmStart;
  let output: string;
  let appUrl: string;
  let chainId: number;
  let admin: HttpSession;
  let referrer: HttpSession;
  let buyer: HttpSession;
  let referrerUserId: string;
  let code: string;
  let shareUrl: string;
  let orderReference: string;
  let rewardId: string;

  before(async () => {
    step("npm start (temp data dir, free ports, CRON_SECRET set, MINT_INTERVAL_SECONDS=0)");
    const started = performance.now();
    start = await npmStart({ CRON_SECRET: cronSecret, MINT_INTERVAL_SECONDS: "0" });
    output = await start.running;
    step(`up in ${Math.round(performance.now() - started)} ms`);
    appUrl = printedField(output, "app");
    chainId = Number(/^\s+chain id\s+(\d+)/m.exec(output)?.[1]);
  });

  after(() => {
    if (!start) return;
    // For a failure's post-mortem: everything npm start printed.
    mkdirSync(join(rootDir, ".test-results"), { recursive: true });
    writeFileSync(join(rootDir, ".test-results", "e2e-newcomer-npm-start.log"), start.output());
    step("npm start's output: .test-results/e2e-newcomer-npm-start.log");
    start.cleanup();
  });

  it("prints the URLs, the progress of the slow steps and the local test accounts", async () => {
    assert.match(output, /deploying to local/);
    assert.match(output, /app built in \d+ ms/);
    assert.match(output, /database and server ready in \d+ ms/);
    assert.match(output, /indexer ready in \d+ ms/);
    assert.doesNotMatch(output, /annotation that Rollup cannot interpret/, "the build's harmless warnings are hidden");
    assert.match(output, /PUBLIC development keys, for this local chain only/);
    const accounts = printedAccounts(output);
    assert.ok(accounts.has("admin") && accounts.has("alice"), "an admin and a referrer account are printed");
    assert.ok(isAddressEqual(accounts.get("admin")!.address, printedField(output, "admin") as Hex));
    assert.equal(chainId, 31337);
  });

  it("step 1: the printed URL serves the app, and the server is ready", async () => {
    const page = await fetch(appUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root"><\/div>/);
    assert.equal((await fetch(`${appUrl}/readyz`)).status, 200);
    const config = (await (await fetch(`${appUrl}/api/app-config`)).json()) as Record<string, unknown>;
    assert.equal(config.chainId, chainId);
    assert.equal(config.indexerUrl, printedField(output, "indexer GraphQL"));
    assert.equal(config.simulatePayments, true, "the local network offers the store's simulated payments");
  });

  it("step 2: the admin signs in at /admin and sets the USD price (desk rate: 1 token = 1 USD)", async () => {
    admin = new HttpSession(appUrl);
    const session = await admin.signIn(printedAccounts(output).get("admin")!.privateKey, {
      publicUrl: appUrl,
      chainId,
    });
    assert.equal(session.isAdmin, true, "the printed admin account is an admin");
    await admin.expect("price source", admin.put("/api/admin/price-sources/USD", { kind: "desk" }), 200);
    await admin.expect("desk rate", admin.put("/api/admin/desk-rates/USD", { answer: "1", decimals: 0 }), 200);
  });

  it("step 3: a referrer signs in at /dashboard and creates a code", async () => {
    referrer = new HttpSession(appUrl);
    const alice = printedAccounts(output).get("alice")!;
    const session = await referrer.signIn(alice.privateKey, { publicUrl: appUrl, chainId });
    referrerUserId = session.userId;
    const created = await referrer.expect("create a code", referrer.post("/api/refcodes", { vanity: "alice" }), 201);
    ({ code, url: shareUrl } = created);
    assert.equal(code, "alice");
    assert.equal(shareUrl, `${appUrl}/r/alice`, "the share link is on the printed origin");
    assert.ok(isAddressEqual(created.wallet, alice.address));
  });

  it("step 4: a visitor opens the referral link: the first-touch cookie is set and the visit counted", async () => {
    buyer = new HttpSession(appUrl);
    const page = await buyer.get(new URL(shareUrl).pathname);
    assert.equal(page.status, 200);
    assert.match(String(page.body), /<div id="root"><\/div>/);
    assert.equal(buyer.cookies.get("ring_ref"), code, "the ref cookie names the code");
    await buyer.expect("visit beacon", buyer.post("/api/refcodes/track", { code }), 204);
    const visits = await referrer.expect("visit totals", referrer.get(`/api/refcodes/${code}/visits`), 200);
    assert.equal(visits.today, 1);
  });

  it("step 5: the visitor signs up with Ethereum (a fresh wallet) and is attributed to the referrer", async () => {
    const session = await buyer.signIn(generatePrivateKey(), { publicUrl: appUrl, chainId });
    assert.equal(session.signupAttribution, "accepted");
    assert.equal(session.referredByUserId, referrerUserId);
  });

  it("step 6: the buyer orders in /store; the order is attributed to the code", async () => {
    const order = await buyer.expect(
      "order",
      buyer.post("/api/orders", { currency: "USD", lineItems: [{ sku: "tee", quantity: 1, unitAmountMinor: 2500 }] }),
      201,
    );
    assert.equal(order.status, "pending");
    assert.equal(order.referral.attribution, "accepted", JSON.stringify(order.referral));
    assert.equal(order.referral.code, code);
    orderReference = order.orderReference;
  });

  it("step 7: WayForPay's signed webhook pays the order; the reward waits for approval", async () => {
    const body = wayforpayCallback({
      orderReference,
      amount: "25.00",
      currency: "USD",
      transactionStatus: "Approved",
      processingDate: Math.floor(Date.now() / 1000),
    });
    const provider = new HttpSession(appUrl);
    const answer = await provider.expect(
      "webhook",
      provider.request("POST", "/api/webhooks/wayforpay", {
        body,
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      200,
    );
    assert.equal(answer.status, "accept");
    assert.equal(answer.orderReference, orderReference);
    assert.equal(answer.signature, acceptanceSignature(orderReference, answer.time), "signed accept");
    const order = await buyer.expect("the order", buyer.get(`/api/orders/${orderReference}`), 200);
    assert.equal(order.status, "paid");
    assert.equal(order.rail, "fiat");
    const reward = await until("the reward", async () => {
      const { rewards } = await admin.expect("queue", admin.get("/api/admin/rewards?state=pending_approval"), 200);
      return rewards.find((candidate: { orderReference: string }) => candidate.orderReference === orderReference);
    });
    assert.equal(reward.rewardMinor, 250, "10 % of 25.00 USD");
    assert.equal(reward.sizing, "sized");
    rewardId = reward.id;
  });

  it("step 8: the admin approves the reward in /admin", async () => {
    const decision = await admin.expect("approve", admin.post("/api/admin/rewards/approve", { ids: [rewardId] }), 200);
    assert.deepEqual(
      decision.moved.map((reward: { id: string; state: string }) => [reward.id, reward.state]),
      [[rewardId, "approved"]],
    );
  });

  it("step 9: the cron route mints it", async () => {
    const scheduler = new HttpSession(appUrl);
    const denied = await scheduler.get("/api/cron/refcodes-mint", { authorization: "Bearer wrong-secret-000000" });
    assert.equal(denied.status, 401);
    const run = await scheduler.expect(
      "cron mint",
      scheduler.get("/api/cron/refcodes-mint", { authorization: `Bearer ${cronSecret}` }),
      200,
    );
    assert.equal(run.ran, true, JSON.stringify(run));
    assert.equal(run.minted, 1, JSON.stringify(run));
  });

  it("step 10: the proof: paidOrders on-chain, the indexer's payout, the ledger minted, /verify agrees", async () => {
    const orderRef = orderRefOf(orderReference);
    const chain = createPublicClient({ transport: http(printedField(output, "chain RPC")) });
    const proxy = printedField(output, "ReferralRewards") as Hex;
    const paid = await chain.readContract({
      address: proxy,
      abi: referralRewardsAbi,
      functionName: "paidOrders",
      args: [orderRef],
    });
    assert.equal(paid, true, "paidOrders(keccak256(orderReference))");

    const { rewards } = await referrer.expect("my rewards", referrer.get("/api/rewards"), 200);
    const reward = rewards.find((candidate: { id: string }) => candidate.id === rewardId);
    assert.equal(reward.state, "minted");
    assert.match(reward.txHash, /^0x[0-9a-f]{64}$/);

    const graphqlUrl = printedField(output, "indexer GraphQL");
    const payout = await until("the payout in the indexer", async () => {
      const response = await fetch(graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `{ payout(orderRef: "${orderRef}") { referrer amount txHash } }` }),
      });
      return (
        ((await response.json()) as { data?: { payout: Record<string, string> | null } }).data?.payout ?? undefined
      );
    });
    assert.ok(isAddressEqual(payout.referrer as Hex, printedAccounts(output).get("alice")!.address));
    assert.equal(payout.amount, reward.tokenAmount);
    assert.equal(payout.txHash, reward.txHash);

    const database = new pg.Client({
      host: "127.0.0.1",
      port: Number(/embedded PostgreSQL 18 on 127\.0\.0\.1:(\d+)/.exec(output)?.[1]),
      database: "postgres",
      ...JSON.parse(readFileSync(join(start.dataDir, "state", "postgres", "credentials.json"), "utf8")),
    });
    await database.connect();
    try {
      const { rows } = await database.query("select state, tx_hash from rewards where order_reference = $1", [
        orderReference,
      ]);
      assert.deepEqual(rows, [{ state: "minted", tx_hash: reward.txHash }]);
    } finally {
      await database.end();
    }

    const auditor = new HttpSession(appUrl); // the /verify page asks the server this
    const verified = await auditor.expect(
      "verify",
      auditor.get(`/api/verify/${encodeURIComponent(orderReference)}`),
      200,
    );
    assert.equal(verified.paidOrders, true);
    assert.equal(verified.agrees, true, JSON.stringify(verified.findings));
  });

  it("Ctrl-C stops everything cleanly: exit 0, no process or port left", async () => {
    const ports = [
      new URL(appUrl).port,
      new URL(printedField(output, "indexer GraphQL")).port,
      new URL(printedField(output, "chain RPC")).port,
      /embedded PostgreSQL 18 on 127\.0\.0\.1:(\d+)/.exec(output)?.[1],
    ].map(Number);
    for (const port of ports) assert.equal(await listening(port), true, `port ${port} is up before Ctrl-C`);
    const interrupted = performance.now();
    start.interrupt();
    const { code, signal } = await start.exited;
    step(`stopped in ${Math.round(performance.now() - interrupted)} ms (npm: ${code ?? signal})`);
    // npm exits once start has: with start's code, or (as for any npm script on Ctrl-C) by SIGINT
    // itself, which `sh -c` passes on; start's own clean exit is its last line.
    assert.ok(code === 0 || (code === null && signal === "SIGINT"), `npm start ended with ${code ?? signal}`);
    assert.match(start.output(), /stopped; the chain and the database are kept for the next npm start\s*$/);
    for (const port of ports) assert.equal(await listening(port), false, `nothing listens on ${port} any more`);
    const indexerPort = new URL(printedField(output, "indexer GraphQL")).port;
    const leftovers = processesMatching(
      (line) => line.includes(start.dataDir) || (line.includes("ponder") && line.includes(`--port ${indexerPort} `)),
    );
    assert.deepEqual(leftovers, [], "no anvil, PostgreSQL or indexer left");
    assert.doesNotMatch(start.output().split("Ctrl-C: stopping")[1] ?? "", /"level":(50|60)|ECONNREFUSED|failed/i);
  });
});
