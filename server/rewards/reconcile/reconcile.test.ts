// The reconciliation against a real chain and database: consistent after real mints, and every
// kind of tampering or out-of-band payment caught, over the library call and the admin route.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { anvilKeys } from "../../../scripts/lib/anvil-accounts.ts";
import { orderRefOf } from "../../../scripts/lib/order-ref.ts";
import { rewards } from "../../db/schema.ts";
import { newAccount, signIn, startTestStack, type TestClient, type TestStack } from "../../test/harness.ts";
import { type ReconcileContext, reconcileLedger } from "./reconcile.ts";
import { type MinterFixtures, minterFixtures } from "../../test/minter-fixtures.ts";
import { runMinter } from "../minter/run.ts";
import { verifyOrder } from "./verify.ts";

let stack: TestStack;
let f: MinterFixtures;
let admin: TestClient;

before(async () => {
  stack = await startTestStack();
  f = await minterFixtures(stack);
  admin = stack.client();
  await signIn(admin, privateKeyToAccount(anvilKeys.deployer));
});
after(() => stack?.stop());

const ctx = (overrides: Partial<ReconcileContext> = {}): ReconcileContext => ({
  db: stack.server.deps.db,
  client: stack.server.deps.chain.client,
  deployment: stack.server.deps.chain.deployment,
  ...overrides,
});

/** The findings as `kind orderRef` lines, sorted: what each test expects exactly. */
async function findings(overrides: Partial<ReconcileContext> = {}) {
  const report = await reconcileLedger(ctx(overrides));
  return { report, kinds: report.findings.map((f) => `${f.kind} ${f.orderRef}`).sort() };
}

const expected = (...lines: [string, string][]) => lines.map(([kind, ref]) => `${kind} ${ref}`).sort();

async function assertConsistentWith(overrides: Partial<ReconcileContext>) {
  const { report } = await findings(overrides);
  assert.deepEqual(report.findings, [], JSON.stringify(report.findings, null, 2));
  assert.equal(report.ok, true);
}

const assertConsistent = () => assertConsistentWith({});

describe("ledger ↔ chain reconciliation", () => {
  it("reports zero mismatches on a consistent ledger after real mints", async () => {
    const minted = await f.insertRewards(30, { referrers: 30 });
    await f.insertRewards(2, { referrers: 2, state: "pending_approval" });
    await f.insertRewards(1, { referrers: 1, state: "rejected" });
    const summary = await runMinter(f.minter());
    assert.equal(summary.minted, 30);
    // A row of another chain is out of scope, whatever it says.
    const [foreign] = await f.insertRewards(1, { referrers: 1, state: "minted" });
    await f.tamper(foreign!.id, { chainId: 1 });

    const { report } = await findings();
    assert.equal(report.ok, true);
    assert.deepEqual(report.findings, []);
    assert.equal(report.ledgerRows, 33);
    assert.equal(report.onChainPayments, 30);
    assert.equal(report.counts.mismatches, 0);
    // Paging and block chunking give the same answer.
    const chunked = await reconcileLedger(ctx({ pageSize: 7, blocksPerQuery: 2n }));
    assert.deepEqual({ ...chunked, checkedAt: report.checkedAt }, report);

    const row = minted[0]!;
    const [stored] = await stack.server.deps.db.select().from(rewards).where(eq(rewards.id, row.id));
    const verified = await verifyOrder(ctx(), row.orderReference);
    assert.equal(verified.orderRef, orderRefOf(row.orderReference));
    assert.equal(verified.paidOrders, true);
    assert.deepEqual(verified.payment, { referrer: row.referrerWallet, amount: row.tokenAmount });
    assert.equal(verified.events.length, 1);
    assert.equal(verified.events[0]!.txHash, stored!.txHash);
    assert.equal(verified.events[0]!.blockNumber, stored!.blockNumber);
    assert.equal(verified.ledger?.state, "minted");
    assert.equal(verified.agrees, true);
    assert.deepEqual(verified.findings, []);
  });

  it("catches a minted row whose token amount or referrer wallet was changed in SQL", async () => {
    const [a, b] = await f.insertRewards(2, { referrers: 2 });
    await runMinter(f.minter());
    await f.tamper(a!.id, { tokenAmount: (BigInt(a!.tokenAmount!) + 1n).toString() });
    await f.tamper(b!.id, { referrerWallet: newAccount().address });

    const { report, kinds } = await findings();
    assert.deepEqual(kinds, expected(["paid_terms_differ", a!.orderRef], ["paid_terms_differ", b!.orderRef]));
    assert.equal(report.ok, false);
    const amount = report.findings.find((f) => f.orderRef === a!.orderRef)!;
    assert.equal(amount.severity, "mismatch");
    assert.equal(amount.chain?.amount, a!.tokenAmount);
    assert.equal(amount.ledger?.tokenAmount, (BigInt(a!.tokenAmount!) + 1n).toString());
    assert.match(amount.chain?.txHash ?? "", /^0x[0-9a-f]{64}$/);
    const verified = await verifyOrder(ctx(), b!.orderReference);
    assert.equal(verified.agrees, false);
    assert.deepEqual(
      verified.findings.map((f) => f.kind),
      ["paid_terms_differ"],
    );

    await f.tamper(a!.id, { tokenAmount: a!.tokenAmount });
    await f.tamper(b!.id, { referrerWallet: b!.referrerWallet.toLowerCase() }); // case does not matter
    await assertConsistent();
  });

  it("catches a minted row with no payment on-chain", async () => {
    const [row] = await f.insertRewards(1, { referrers: 1, state: "minted" });
    await f.tamper(row!.id, { txHash: `0x${"ab".repeat(32)}`, blockNumber: 1 });
    const { kinds, report } = await findings();
    assert.deepEqual(kinds, expected(["minted_not_paid", row!.orderRef]));
    assert.equal(report.findings[0]!.chain, null);
    const verified = await verifyOrder(ctx(), row!.orderReference);
    assert.equal(verified.paidOrders, false);
    assert.equal(verified.payment, null);
    assert.equal(verified.agrees, false);

    await stack.server.deps.db.delete(rewards).where(eq(rewards.id, row!.id));
    await assertConsistent();
  });

  it("catches an on-chain payment with no ledger row (payReferral sent directly with the operator key)", async () => {
    const orderReference = `out-of-band-${randomUUID()}`;
    const orderRef = orderRefOf(orderReference);
    const referrer = newAccount().address;
    const paid = await f.payDirectly(referrer, 777n, orderRef);

    const { kinds, report } = await findings();
    assert.deepEqual(kinds, expected(["paid_without_ledger_row", orderRef]));
    assert.deepEqual(report.findings[0]!.chain, { referrer, amount: "777", ...paid });
    assert.equal(report.findings[0]!.ledger, null);
    const verified = await verifyOrder(ctx(), orderReference);
    assert.equal(verified.ledger, null);
    assert.equal(verified.agrees, false);
    assert.deepEqual(
      verified.events.map((e) => e.txHash),
      [paid.txHash],
    );

    // Ledgered afterwards with the same terms: consistent again.
    const [row] = await f.insertRewards(1, { referrers: 1, state: "minted" });
    await f.tamper(row!.id, { orderReference, orderRef, referrerWallet: referrer, tokenAmount: "777", ...paid });
    await assertConsistent();
  });

  it("catches rows in approved, pending_approval or rejected that are nevertheless paid on-chain", async () => {
    const [approved] = await f.insertRewards(1, { referrers: 1, state: "approved" });
    const [pending] = await f.insertRewards(1, { referrers: 1, state: "pending_approval" });
    const [rejected] = await f.insertRewards(1, { referrers: 1, state: "rejected" });
    // Kept out of the minter's reach while the payments are sent behind its back.
    await f.tamper(approved!.id, { sizing: "pending_price" });
    const payments = new Map<string, { txHash: Hex; blockNumber: number }>();
    for (const row of [approved!, pending!, rejected!]) {
      payments.set(
        row.id,
        await f.payDirectly(row.referrerWallet as Address, BigInt(row.tokenAmount!), row.orderRef as Hex),
      );
    }
    const { kinds, report } = await findings();
    assert.deepEqual(
      kinds,
      expected(
        ["paid_not_minted", approved!.orderRef],
        ["paid_not_minted", pending!.orderRef],
        ["paid_not_minted", rejected!.orderRef],
      ),
    );
    assert.match(report.findings.find((f) => f.orderRef === pending!.orderRef)!.message, /pending_approval/);

    for (const row of [approved!, pending!, rejected!])
      await f.tamper(row.id, { state: "minted", ...payments.get(row.id) });
    await assertConsistent();
  });

  it("treats a paid row still minting as in flight, and as a mismatch once older than the grace period", async () => {
    const [row] = await f.insertRewards(1, { referrers: 1 });
    await runMinter(f.minter());
    const [minted] = await stack.server.deps.db.select().from(rewards).where(eq(rewards.id, row!.id));
    await f.tamper(row!.id, { state: "minting" });

    const young = await findings();
    assert.equal(young.report.ok, true);
    assert.deepEqual(young.kinds, expected(["in_flight", row!.orderRef]));
    assert.equal(young.report.findings[0]!.severity, "warning");
    const later = () => new Date(Date.now() + 11 * 60_000);
    const old = await findings({ now: later });
    assert.equal(old.report.ok, false);
    assert.deepEqual(old.kinds, expected(["paid_not_minted", row!.orderRef]));
    assert.deepEqual((await findings({ now: later, mintingGraceMs: 60 * 60_000 })).kinds, young.kinds);

    await f.tamper(row!.id, { state: "minted" });
    await assertConsistent();
    // The right money in another transaction than the recorded one: a warning, not a mismatch.
    await f.tamper(row!.id, { txHash: `0x${"cd".repeat(32)}` });
    const moved = await findings();
    assert.equal(moved.report.ok, true);
    assert.deepEqual(moved.kinds, expected(["ledger_tx_differs", row!.orderRef]));
    await f.tamper(row!.id, { txHash: minted!.txHash });
    await assertConsistent();
  });

  it("catches a row whose order reference no longer hashes to its orderRef", async () => {
    const [row] = await f.insertRewards(1, { referrers: 1 });
    await runMinter(f.minter());
    await f.tamper(row!.id, { orderReference: `${row!.orderReference}-edited` });
    assert.deepEqual((await findings()).kinds, expected(["order_ref_mismatch", row!.orderRef]));
    // The auditor's reference finds the row by its orderRef, and sees the edit.
    const verified = await verifyOrder(ctx(), row!.orderReference);
    assert.equal(verified.ledger?.orderReference, `${row!.orderReference}-edited`);
    assert.deepEqual(
      verified.findings.map((f) => f.kind),
      ["order_ref_mismatch"],
    );
    await f.tamper(row!.id, { orderReference: row!.orderReference });
    await assertConsistent();
  });

  it("does not report what moved while it ran: a payment after its block, a row created after its pages", async () => {
    const client = stack.server.deps.chain.client;
    /** The client with `hook` run instead of one of its methods, once. */
    const once = (name: "getBlockNumber" | "multicall", hook: (original: Function) => Function) => {
      let used = false;
      return new Proxy(client, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (prop !== name || used) return value;
          used = true;
          return hook(value.bind(target));
        },
      });
    };
    // Minted in the latest block, but the audit's first block number is one before it.
    await f.insertRewards(2, { referrers: 2 });
    await runMinter(f.minter());
    const lagging = once("getBlockNumber", (get) => async (args: unknown) => (await get(args)) - 1n);
    await assertConsistentWith({ client: lagging });

    // Paid, and ledgered only after the audit read its pages (while it reads paymentOf).
    const orderReference = `late-row-${randomUUID()}`;
    const orderRef = orderRefOf(orderReference);
    const referrer = newAccount().address;
    const paid = await f.payDirectly(referrer, 5n, orderRef);
    const ledgering = once("multicall", (call) => async (args: unknown) => {
      const [row] = await f.insertRewards(1, { referrers: 1, state: "minted" });
      await f.tamper(row!.id, { orderReference, orderRef, referrerWallet: referrer, tokenAmount: "5", ...paid });
      return call(args);
    });
    await assertConsistentWith({ client: ledgering });
  });

  it("serves the report to admins only at GET /api/admin/reconcile, listing at most `limit` findings", async () => {
    const [a, b] = await f.insertRewards(2, { referrers: 2, state: "minted" });
    const ok = await admin.get("/api/admin/reconcile");
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.ok, false);
    assert.equal(ok.body.counts.mismatches, 2);
    assert.equal(ok.body.counts.byKind.minted_not_paid, 2);
    assert.deepEqual(
      ok.body.findings.map((f: { orderRef: string }) => f.orderRef).sort(),
      [a!.orderRef, b!.orderRef].sort(),
    );
    assert.equal(ok.body.truncated, false);
    const limited = await admin.get("/api/admin/reconcile?limit=1");
    assert.equal(limited.body.findings.length, 1);
    assert.equal(limited.body.truncated, true);
    assert.equal((await admin.get("/api/admin/reconcile?limit=-1")).status, 400);
    assert.equal((await admin.get("/api/admin/reconcile?limit=many")).status, 400);

    const user = stack.client();
    await signIn(user);
    assert.equal((await user.get("/api/admin/reconcile")).status, 403);
    assert.equal((await stack.client().get("/api/admin/reconcile")).status, 401);

    await stack.server.deps.db.delete(rewards).where(eq(rewards.id, a!.id));
    await stack.server.deps.db.delete(rewards).where(eq(rewards.id, b!.id));
    const clean = await admin.get("/api/admin/reconcile");
    assert.equal(clean.body.ok, true);
    assert.deepEqual(clean.body.findings, []);
  });
});
