// Hardhat 3 (EDR) + viem: the proxy lifecycle — deploy, pay, upgrade, layout safety, access.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { network } from "hardhat";
import {
  BaseError,
  ContractFunctionRevertedError,
  encodeFunctionData,
  getAddress,
  keccak256,
  stringToHex,
  zeroAddress,
} from "viem";
import { assertUpgradeCompatible, StorageLayoutError, upgradeSafeLayout } from "../../scripts/lib/storage-layout.ts";
import { IMPLEMENTATION_SLOT } from "../../scripts/lib/upgrade.ts";

const { viem } = await network.connect();
const publicClient = await viem.getPublicClient();
const [admin, operator, referrer, stranger] = await viem.getWalletClients();
if (!admin || !operator || !referrer || !stranger) throw new Error("Hardhat network needs 4 accounts");

const MINT = 0;
const MINTER_ROLE = keccak256(stringToHex("MINTER_ROLE"));
const orderRef = (reference: string) => keccak256(stringToHex(reference));

/** The custom error a viem call reverted with, as `{ errorName, args }`. */
async function revertOf(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    const reverted = error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null;
    if (reverted instanceof ContractFunctionRevertedError) {
      return { errorName: reverted.data?.errorName, args: reverted.data?.args };
    }
    throw error;
  }
  assert.fail("expected the call to revert");
}

async function deploySystem() {
  const token = await viem.deployContract("RewardToken", [
    "Refcodes Reward",
    "RCR",
    admin!.account.address,
    zeroAddress,
  ]);
  const implementation = await viem.deployContract("ReferralRewards");
  const initData = encodeFunctionData({
    abi: implementation.abi,
    functionName: "initialize",
    args: [admin!.account.address, operator!.account.address, token.address, MINT],
  });
  const proxy = await viem.deployContract("ERC1967Proxy", [implementation.address, initData]);
  const rewards = await viem.getContractAt("ReferralRewards", proxy.address);
  await token.write.grantRole([MINTER_ROLE, proxy.address]);
  const asOperator = await viem.getContractAt("ReferralRewards", proxy.address, { client: { wallet: operator! } });
  return { token, implementation, rewards, asOperator };
}

describe("ReferralRewards behind an ERC1967 proxy", () => {
  let system: Awaited<ReturnType<typeof deploySystem>>;
  before(async () => {
    system = await deploySystem();
  });

  it("deploys through the proxy: implementation slot, roles, token and mode", async () => {
    const { rewards, implementation, token } = system;
    const slot = await publicClient.getStorageAt({ address: rewards.address, slot: IMPLEMENTATION_SLOT });
    assert.equal(getAddress(`0x${slot!.slice(26)}`), getAddress(implementation.address));
    assert.equal(await rewards.read.hasRole([await rewards.read.DEFAULT_ADMIN_ROLE(), admin.account.address]), true);
    assert.equal(await rewards.read.hasRole([await rewards.read.OPERATOR_ROLE(), operator.account.address]), true);
    assert.equal(getAddress(await rewards.read.rewardToken()), getAddress(token.address));
    assert.equal(await rewards.read.rewardMode(), MINT);
    assert.equal(await rewards.read.batchPayouts(), true);
    // The implementation itself is locked: nobody can initialize it and take it over.
    const locked = await revertOf(
      implementation.write.initialize([stranger.account.address, stranger.account.address, token.address, MINT]),
    );
    assert.equal(locked.errorName, "InvalidInitialization");
  });

  it("pays an order once, then rejects the second payment with AlreadyPaid", async () => {
    const { rewards, asOperator, token } = system;
    const ref = orderRef("hardhat-order-1");
    await asOperator.write.payReferral([referrer.account.address, 1_500n, ref]);
    assert.equal(await rewards.read.paidOrders([ref]), true);
    assert.deepEqual(await rewards.read.paymentOf([ref]), [getAddress(referrer.account.address), 1_500n]);
    assert.equal(await token.read.balanceOf([referrer.account.address]), 1_500n);

    const again = await revertOf(asOperator.write.payReferral([referrer.account.address, 1_500n, ref]));
    assert.deepEqual(again, { errorName: "ReferralRewards__AlreadyPaid", args: [ref] });
    assert.equal(await token.read.balanceOf([referrer.account.address]), 1_500n);
  });

  it("refuses an upgrade from an account without DEFAULT_ADMIN_ROLE", async () => {
    const { rewards } = system;
    const v2 = await viem.deployContract("ReferralRewardsV2");
    const asStranger = await viem.getContractAt("ReferralRewards", rewards.address, { client: { wallet: stranger } });
    const denied = await revertOf(asStranger.write.upgradeToAndCall([v2.address, "0x"]));
    assert.equal(denied.errorName, "AccessControlUnauthorizedAccount");
    assert.equal(await rewards.read.version(), "1.0.0");
  });

  it("upgrades to V2 and keeps every piece of state", async () => {
    const { rewards, asOperator, token } = system;
    const refs = ["upgrade-a", "upgrade-b", "upgrade-c"].map(orderRef);
    await asOperator.write.payReferralBatch([
      refs.map((ref, i) => ({ orderRef: ref, payment: (BigInt(referrer.account.address) << 96n) | BigInt(100 + i) })),
    ]);
    await rewards.write.setLimits([10n ** 20n, 10n ** 22n, 3_600]);
    await rewards.write.pause();
    const before = {
      payments: await Promise.all(refs.map((ref) => rewards.read.paymentOf([ref]))),
      limits: await rewards.read.limits(),
      window: await rewards.read.windowState(),
      balance: await token.read.balanceOf([referrer.account.address]),
    };

    const v2 = await viem.deployContract("ReferralRewardsV2");
    const initV2 = encodeFunctionData({ abi: v2.abi, functionName: "initializeV2", args: ["batch limits"] });
    await rewards.write.upgradeToAndCall([v2.address, initV2]);
    const upgraded = await viem.getContractAt("ReferralRewardsV2", rewards.address);

    assert.equal(await upgraded.read.version(), "2.0.0");
    assert.equal(await upgraded.read.upgradeNote(), "batch limits");
    for (const [i, ref] of refs.entries()) {
      assert.equal(await upgraded.read.paidOrders([ref]), true);
      assert.deepEqual(await upgraded.read.paymentOf([ref]), before.payments[i]);
    }
    assert.equal(await upgraded.read.paidOrders([orderRef("hardhat-order-1")]), true);
    assert.deepEqual(await upgraded.read.limits(), before.limits);
    assert.deepEqual(await upgraded.read.windowState(), before.window);
    assert.equal(await upgraded.read.paused(), true);
    assert.equal(getAddress(await upgraded.read.rewardToken()), getAddress(token.address));
    assert.equal(await upgraded.read.rewardMode(), MINT);
    assert.equal(await upgraded.read.hasRole([await upgraded.read.OPERATOR_ROLE(), operator.account.address]), true);
    assert.equal(await token.read.balanceOf([referrer.account.address]), before.balance);

    // Still the same contract: unpaused, it pays, and still refuses a second payment.
    await upgraded.write.unpause();
    const asOperatorV2 = await viem.getContractAt("ReferralRewardsV2", rewards.address, {
      client: { wallet: operator },
    });
    await asOperatorV2.write.payReferral([referrer.account.address, 7n, orderRef("after-upgrade")]);
    const again = await revertOf(asOperatorV2.write.payReferral([referrer.account.address, 7n, refs[0]!]));
    assert.equal(again.errorName, "ReferralRewards__AlreadyPaid");
    // A reinitializer runs once.
    const reinit = await revertOf(upgraded.write.initializeV2(["again"]));
    assert.equal(reinit.errorName, "InvalidInitialization");
  });
});

describe("storage layout checks (upgrades-core)", () => {
  it("accepts V2, which only adds its own ERC-7201 namespace", async () => {
    const live = await upgradeSafeLayout("ReferralRewards");
    assert.ok(live.namespaces?.["erc7201:refcodes.storage.ReferralRewards"]?.length);
    await assertUpgradeCompatible(live, "ReferralRewardsV2");
  });

  it("rejects an implementation that reorders the namespaced struct", async () => {
    const live = await upgradeSafeLayout("ReferralRewards");
    await assert.rejects(
      assertUpgradeCompatible(live, "ReferralRewardsBadLayout"),
      (error: unknown) =>
        error instanceof StorageLayoutError &&
        /incompatible storage layout/.test(error.message) &&
        /config/.test(error.message),
    );
  });
});
