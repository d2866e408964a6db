// `npm run bench:gas`: receipt gas per payout of single, batched and sequential payments on a
// fresh anvil, against the theoretical floor. Writes bench/results/gas.json (the format)
// and bench/results/gas-detail.json (the same with damage limits on, plus the floor's parts).
import { type Abi, type Address, type Hex, hexToBytes, toHex } from "viem";
import { referralRewardsAbi } from "../../deployments/abi.ts";
import type { Limits } from "../lib/deploy.ts";
import { orderRefOf } from "../lib/order-ref.ts";
import { packPayment } from "../lib/pack-payment.ts";
import { amountFor, hashedReferrers, startMintChain, writeResults } from "./common.ts";
import { deployOriginalBaseline } from "./original-baseline.ts";

type PerPayout = { new: number; repeat: number };

// Gas schedule (Cancun/Prague): the parts no implementation can avoid.
const TX_BASE = 21_000;
const COLD_SSTORE_NEW = 22_100; // cold SLOAD 2,100 + zero -> non-zero 20,000
const COLD_SSTORE_UPDATE = 5_000; // cold SLOAD 2,100 + non-zero -> non-zero 2,900
const LOG3_32_BYTES = 375 + 3 * 375 + 8 * 32; // ReferralPaid and Transfer: 3 topics, one data word

function calldataGas(data: Hex): number {
  return hexToBytes(data).reduce((gas, byte) => gas + (byte === 0 ? 4 : 16), 0);
}

let orderCounter = 0;
function nextOrder(referrer: Address, amount: bigint) {
  const orderRef = orderRefOf(`bench-order-${++orderCounter}`);
  return { orderRef, referrer, amount, payment: packPayment(referrer, amount) };
}

/** Distinct referrers with no balance yet, a set per `salt`. */
const referrers = (count: number, salt: number) => hashedReferrers(`referrer-${salt}`, count);

/** `baseline`: the original design's figures from an earlier run; they do not depend on our limits. */
async function measure(limits?: Limits, baseline?: PerPayout) {
  const { anvil, deployment, operator, deployer } = await startMintChain({ limits });
  try {
    const ours = { address: deployment.proxy, abi: referralRewardsAbi as Abi };

    const gasOf = async (hashes: Hex[]) => {
      let total = 0n;
      for (const hash of hashes) {
        const receipt = await operator.publicClient.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success") throw new Error(`benchmark transaction ${hash} reverted`);
        total += receipt.gasUsed;
      }
      return Number(total);
    };
    const single = (contract: { address: Address; abi: Abi }) => async (accounts: Address[]) => {
      const hashes: Hex[] = [];
      for (const [i, referrer] of accounts.entries()) {
        const order = nextOrder(referrer, amountFor(i));
        const args = [referrer, order.amount, order.orderRef];
        hashes.push(await operator.walletClient.writeContract({ ...contract, functionName: "payReferral", args }));
      }
      return (await gasOf(hashes)) / accounts.length;
    };
    const batch = async (accounts: Address[]) => {
      const payouts = accounts.map((referrer, i) => nextOrder(referrer, amountFor(i)));
      const args = [payouts.map(({ orderRef, payment }) => ({ orderRef, payment }))] as const;
      const hash = await operator.walletClient.writeContract({
        address: deployment.proxy,
        abi: referralRewardsAbi,
        functionName: "payReferralBatch",
        args,
      });
      return (await gasOf([hash])) / accounts.length;
    };
    const twice = async (run: (accounts: Address[]) => Promise<number>, accounts: Address[]): Promise<PerPayout> => {
      const fresh = await run(accounts);
      return { new: Math.round(fresh), repeat: Math.round(await run(accounts)) };
    };

    // The batch's calldata per entry, for the floor: one orderRef word and one packed payment word.
    const sample = nextOrder(referrers(1, 99)[0]!, amountFor(1));
    const entryCalldata = calldataGas(sample.orderRef) + calldataGas(toHex(sample.payment, { size: 32 }));
    const floorFor = (balanceWrite: number) =>
      COLD_SSTORE_NEW + balanceWrite + 2 * LOG3_32_BYTES + entryCalldata + TX_BASE / 100;

    // Steady state: each token's first mint ever also creates its totalSupply slot.
    await single(ours)(referrers(1, 0));
    const sequentialOriginal = async () => {
      const original = await deployOriginalBaseline(deployer, operator.account.address);
      await single(original)(referrers(1, 0));
      return twice(single(original), referrers(100, 4));
    };

    return {
      single: await twice(single(ours), referrers(10, 1)),
      batch: {
        "10": await twice(batch, referrers(10, 2)),
        "100": await twice(batch, referrers(100, 3)),
      },
      sequential100: baseline ?? (await sequentialOriginal()),
      floor: { "100": { new: floorFor(COLD_SSTORE_NEW), repeat: floorFor(COLD_SSTORE_UPDATE) } },
      // Not in gas.json: the same 100 separate transactions on our own payReferral.
      sequential100Ours: await twice(single(ours), referrers(100, 5)),
      floorParts: {
        paidOrderSlot: COLD_SSTORE_NEW,
        balanceNew: COLD_SSTORE_NEW,
        balanceRepeat: COLD_SSTORE_UPDATE,
        events: 2 * LOG3_32_BYTES,
        entryCalldata,
        txBaseShare: TX_BASE / 100,
      },
    };
  } finally {
    await anvil.stop();
  }
}

const targets = {
  batchRepeat: 33_500,
  batchNew: 50_500,
  singleNew: 90_000,
  ratioRepeat: 0.45,
  ratioNew: 0.55,
};

const defaults = await measure();
const limits = { maxPerPayment: 10n ** 21n, windowBudget: 10n ** 24n, windowDuration: 86_400 };
const limited = await measure(limits, defaults.sequential100);
const { floorParts, sequential100Ours, ...gas } = defaults;

const ratioTo = (r: typeof defaults, baseline: PerPayout) => ({
  new: Number((r.batch["100"].new / baseline.new).toFixed(3)),
  repeat: Number((r.batch["100"].repeat / baseline.repeat).toFixed(3)),
});
const ratio = (r: typeof defaults) => ratioTo(r, r.sequential100);
const ratioToOurSingle = (r: typeof defaults) => ratioTo(r, r.sequential100Ours);
const checks = [
  ["batch 100 repeat gas/payout", gas.batch["100"].repeat, targets.batchRepeat],
  ["batch 100 new gas/payout", gas.batch["100"].new, targets.batchNew],
  ["single new gas", gas.single.new, targets.singleNew],
  ["batch/sequential repeat", ratio(defaults).repeat, targets.ratioRepeat],
  ["batch/sequential new", ratio(defaults).new, targets.ratioNew],
] as const;

writeResults("gas.json", gas);
writeResults("gas-detail.json", {
  measuredAt: new Date().toISOString(),
  defaults: { ...defaults, ratio: ratio(defaults), ratioToOurSingle: ratioToOurSingle(defaults) },
  limitsOn: { ...limited, ratio: ratio(limited), ratioToOurSingle: ratioToOurSingle(limited) },
  targets,
});

console.log(JSON.stringify(gas, null, 2));
console.log(
  `\nthe same 100 transactions on our own payReferral: ${JSON.stringify(sequential100Ours)}; batch ratio to it: ${JSON.stringify(ratioToOurSingle(defaults))}`,
);
console.log(
  "\nlimits on:",
  JSON.stringify({ single: limited.single, batch100: limited.batch["100"], ratio: ratio(limited) }),
);
let failed = 0;
for (const [name, value, target] of checks) {
  const ok = value <= target;
  if (!ok) failed++;
  console.log(`${ok ? "PASS" : "FAIL"}  ${name}: ${value} (target <= ${target})`);
}
process.exitCode = failed ? 1 : 0;
