// The Ponder indexer against a real anvil and a real Postgres, run as the child process `npm
// start` runs: every contract event lands in its table and is read back through Ponder's GraphQL;
// a reorg leaves only the canonical chain's rows.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Address, type Hex, keccak256, stringToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { referralRewardsAbi } from "../../deployments/abi.ts";
import { writeDeployment } from "../../deployments/load.ts";
import type { Deployment } from "../../deployments/schema.ts";
import { type Anvil, startAnvil } from "../../scripts/lib/anvil.ts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { type Clients, connect } from "../../scripts/lib/clients.ts";
import { deployReferralRewards } from "../../scripts/lib/deploy.ts";
import { dropIndexerSchemas, type RunningIndexer, startIndexer } from "../../scripts/lib/indexer.ts";
import { packPayment } from "../../scripts/lib/pack-payment.ts";
import { upgradeReferralRewards } from "../../scripts/lib/upgrade.ts";
import { createTestDatabase, stopEmbedded, type TestDatabase } from "../../server/test/harness.ts";

const alice = privateKeyToAccount(anvilKeys.alice).address.toLowerCase() as Address;
const bob = privateKeyToAccount(anvilKeys.bob).address.toLowerCase() as Address;
const ref = (reference: string) => keccak256(stringToBytes(reference));
const OPERATOR_ROLE = keccak256(stringToBytes("OPERATOR_ROLE"));
const token = (n: number) => BigInt(n) * 10n ** 18n;

describe("indexer", () => {
  let anvil: Anvil;
  let database: TestDatabase;
  let deployment: Deployment;
  let indexer: RunningIndexer;
  let admin: Clients;
  let operator: Clients;
  const deploymentsDir = mkdtempSync(join(tmpdir(), "refcodes-indexer-"));
  const schema = `indexer_test_${process.pid}_${Date.now().toString(36)}`;

  /** Sends a transaction, waits for its receipt and for the indexer to reach its block. */
  async function send(clients: Clients, functionName: string, args: readonly unknown[]) {
    const hash = await clients.walletClient.writeContract({
      address: deployment.proxy,
      abi: referralRewardsAbi,
      functionName: functionName as never,
      args: args as never,
    });
    const receipt = await clients.publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success", `${functionName} succeeded`);
    await indexer.waitForBlock(receipt.blockNumber);
    return receipt;
  }

  before(async () => {
    anvil = await startAnvil();
    database = await createTestDatabase();
    deployment = await deployReferralRewards({
      network: "test",
      rpcUrl: anvil.rpcUrl,
      deployerKey: anvilKeys.deployer,
      operator: privateKeyToAccount(anvilKeys.operator).address,
      admin: privateKeyToAccount(anvilKeys.deployer).address,
      mode: "MINT",
    });
    writeDeployment(deployment, deploymentsDir);
    admin = await connect(anvil.rpcUrl, anvilKeys.deployer);
    operator = await connect(anvil.rpcUrl, anvilKeys.operator);
    indexer = await startIndexer({
      databaseUrl: database.url,
      rpcUrl: anvil.rpcUrl,
      network: "test",
      deploymentsDir,
      schema,
      viewsSchema: `${schema}_views`,
    });
  });

  after(async () => {
    await indexer?.stop();
    if (database) {
      await dropIndexerSchemas(database.url, [schema, `${schema}_views`]);
      await database.drop();
    }
    await anvil?.stop();
    await stopEmbedded();
    rmSync(deploymentsDir, { recursive: true, force: true });
  });

  it("test_indexer_everyEvent_landsInItsTable", async () => {
    const single = await send(operator, "payReferral", [alice, token(5), ref("order-1")]);
    const batch = await send(operator, "payReferralBatch", [
      [
        { orderRef: ref("order-2"), payment: packPayment(alice, token(2)) },
        { orderRef: ref("order-1"), payment: packPayment(alice, token(9)) }, // already paid: skipped
        { orderRef: ref("order-3"), payment: packPayment(bob, token(3)) },
      ],
    ]);
    await send(admin, "pause", []);
    await send(admin, "unpause", []);
    await send(admin, "setLimits", [token(100), token(1_000), 86_400]);
    await send(admin, "grantRole", [OPERATOR_ROLE, bob]);
    await send(admin, "revokeRole", [OPERATOR_ROLE, bob]);
    const upgraded = await upgradeReferralRewards({
      deployment,
      rpcUrl: anvil.rpcUrl,
      adminKey: anvilKeys.deployer,
      contract: "ReferralRewardsV2",
      call: { functionName: "initializeV2", args: ["indexer test"] },
    });
    const last = await send(admin, "setRewardMode", [1]); // TRANSFER

    const data = await indexer.query(`{
      payouts(orderBy: "blockNumber", orderDirection: "asc") { items { orderRef referrer amount txHash blockNumber logIndex timestamp batch } }
      skippedPayouts { items { orderRef referrer amount txHash } }
      payoutBatchs { items { txHash paid skipped totalAmount } }
      referrers(orderBy: "address") { items { address totalPaid payouts firstPaidAt lastPaidAt } }
      dailyStats { items { day payouts amount referrers } }
      configChanges(orderBy: "blockNumber", orderDirection: "asc", limit: 100) { items { kind mode previousMode token account role sender implementation maxPerPayment windowBudget windowDuration blockNumber } }
      contractState(address: "${deployment.proxy.toLowerCase()}") { mode token paused implementation maxPerPayment windowBudget windowDuration updatedAtBlock }
      roleMembers(limit: 100) { items { role account } }
    }`);

    const payouts = data.payouts.items;
    assert.deepEqual(
      payouts.map((p: any) => [p.orderRef, p.referrer, p.amount, p.batch]),
      [
        [ref("order-1"), alice, token(5).toString(), false],
        [ref("order-2"), alice, token(2).toString(), true],
        [ref("order-3"), bob, token(3).toString(), true],
      ],
    );
    assert.equal(payouts[0].txHash, single.transactionHash);
    assert.equal(payouts[0].blockNumber, single.blockNumber.toString());
    assert.equal(payouts[1].txHash, batch.transactionHash);
    assert.ok(payouts[2].logIndex > payouts[1].logIndex, "log index in chain order");
    const block = await admin.publicClient.getBlock({ blockNumber: single.blockNumber });
    assert.equal(payouts[0].timestamp, block.timestamp.toString());

    assert.deepEqual(data.skippedPayouts.items, [
      { orderRef: ref("order-1"), referrer: alice, amount: token(9).toString(), txHash: batch.transactionHash },
    ]);
    assert.deepEqual(data.payoutBatchs.items, [
      { txHash: batch.transactionHash, paid: 2, skipped: 1, totalAmount: token(5).toString() },
    ]);
    assert.deepEqual(
      data.referrers.items.map((r: any) => [r.address, r.totalPaid, r.payouts]),
      [
        [alice, token(7).toString(), 2],
        [bob, token(3).toString(), 1],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const aliceRow = data.referrers.items.find((r: any) => r.address === alice);
    assert.equal(aliceRow.firstPaidAt, block.timestamp.toString());
    const day = new Date(Number(block.timestamp) * 1000).toISOString().slice(0, 10);
    assert.deepEqual(data.dailyStats.items, [{ day, payouts: 3, amount: token(10).toString(), referrers: 2 }]);

    const kinds = data.configChanges.items.map((c: any) => c.kind);
    for (const kind of [
      "initialized",
      "role_granted",
      "token",
      "mode",
      "paused",
      "unpaused",
      "limits",
      "role_revoked",
    ]) {
      assert.ok(kinds.includes(kind), `${kind} recorded (got ${kinds.join(", ")})`);
    }
    const upgrades = data.configChanges.items.filter((c: any) => c.kind === "upgraded");
    assert.deepEqual(
      upgrades.map((c: any) => c.implementation),
      [deployment.implementation.toLowerCase(), upgraded.implementation.toLowerCase()],
      "the first implementation and the upgrade",
    );
    const limits = data.configChanges.items.find((c: any) => c.kind === "limits");
    assert.deepEqual(
      [limits.maxPerPayment, limits.windowBudget, limits.windowDuration],
      [token(100).toString(), token(1_000).toString(), 86_400],
    );
    const grant = data.configChanges.items.find((c: any) => c.kind === "role_granted" && c.account === bob);
    assert.equal(grant.role, OPERATOR_ROLE);
    assert.equal(grant.sender, admin.account.address.toLowerCase());
    const modes = data.configChanges.items.filter((c: any) => c.kind === "mode").map((c: any) => c.mode);
    assert.deepEqual(modes, ["MINT", "TRANSFER"]);

    assert.deepEqual(data.contractState, {
      mode: "TRANSFER",
      token: deployment.token.toLowerCase(),
      paused: false,
      implementation: upgraded.implementation.toLowerCase(),
      maxPerPayment: token(100).toString(),
      windowBudget: token(1_000).toString(),
      windowDuration: 86_400,
      updatedAtBlock: last.blockNumber.toString(),
    });
    const members = data.roleMembers.items.map((m: any) => `${m.role}:${m.account}`);
    assert.ok(!members.includes(`${OPERATOR_ROLE}:${bob}`), "a revoked role is no longer held");
    assert.ok(members.includes(`${OPERATOR_ROLE}:${operator.account.address.toLowerCase()}`));
  });

  it("test_indexer_views_exposeThePayoutsToOtherReaders", async () => {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `select order_ref, referrer, amount::text, batch from "${schema}_views".payout order by block_number, log_index`,
      );
      assert.deepEqual(
        rows.map((row) => [row.order_ref, row.referrer, row.amount, row.batch]),
        [
          [ref("order-1"), alice, token(5).toString(), false],
          [ref("order-2"), alice, token(2).toString(), true],
          [ref("order-3"), bob, token(3).toString(), true],
        ],
      );
    } finally {
      await client.end();
    }
  });

  it("test_indexer_reorg_rowsFollowTheCanonicalChain", async () => {
    await send(admin, "setRewardMode", [0]); // back to MINT so the payouts below mint
    const snapshot = (await admin.publicClient.request({ method: "evm_snapshot" as never })) as Hex;
    await send(operator, "payReferral", [bob, token(4), ref("order-orphaned")]);
    const before = await indexer.query(`{ payout(orderRef: "${ref("order-orphaned")}") { amount } }`);
    assert.equal(before.payout?.amount, token(4).toString(), "indexed on the first branch");

    await admin.publicClient.request({ method: "evm_revert" as never, params: [snapshot] as never });
    operator = await connect(anvil.rpcUrl, anvilKeys.operator); // its local nonce is past the revert
    // The other branch: a different payout, and a longer chain than the orphaned one.
    await send(operator, "payReferral", [alice, token(6), ref("order-canonical")]);
    for (let i = 0; i < 3; i++) await admin.publicClient.request({ method: "evm_mine" as never });
    const head = await admin.publicClient.getBlockNumber();
    await indexer.waitForBlock(head);
    const deadline = Date.now() + 10_000;
    let after: any;
    for (;;) {
      after = await indexer.query(`{
        orphan: payout(orderRef: "${ref("order-orphaned")}") { amount }
        canonical: payout(orderRef: "${ref("order-canonical")}") { amount referrer }
        bob: referrer(address: "${bob}") { totalPaid payouts }
      }`);
      if ((after.orphan === null && after.canonical !== null) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(after.orphan, null, "the orphaned payout is gone");
    assert.deepEqual(after.canonical, { amount: token(6).toString(), referrer: alice });
    assert.deepEqual(after.bob, { totalPaid: token(3).toString(), payouts: 1 }, "bob's totals lost the orphan");
  });
});
