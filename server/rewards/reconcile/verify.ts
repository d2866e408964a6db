// One order, everything an auditor checks: its orderRef, `paidOrders` and `paymentOf` read
// from the contract, its ReferralPaid event(s), and whether the ledger row says the same.
import { eq, or } from "drizzle-orm";
import type { Address, Hex, PublicClient } from "viem";
import { referralRewardsAbi } from "../../../deployments/abi.ts";
import type { Deployment } from "../../../deployments/schema.ts";
import { orderRefOf } from "../../../scripts/lib/order-ref.ts";
import type { Db } from "../../db/client.ts";
import { rewards } from "../../db/schema.ts";
import { paymentsOf, readPaidEvents } from "../onchain.ts";
import { assertSameChain, ledgerColumns } from "./reconcile.ts";
import {
  compareRow,
  ledgerSide,
  compareUnledgered,
  DEFAULT_MINTING_GRACE_MS,
  type Finding,
  type LedgerSide,
  type PaidEvent,
} from "./report.ts";

export interface VerifyContext {
  db: Db;
  client: PublicClient;
  deployment: Pick<Deployment, "chainId" | "proxy" | "startBlock">;
  mintingGraceMs?: number;
  now?: () => Date;
}

export interface OrderVerification {
  orderReference: string;
  orderRef: Hex;
  chainId: number;
  contract: Address;
  /** The block everything on-chain was read at. */
  block: number;
  paidOrders: boolean;
  /** `paymentOf(orderRef)`; null when unpaid. */
  payment: { referrer: Address; amount: string } | null;
  events: { txHash: Hex; blockNumber: number; logIndex: number; referrer: Address; amount: string }[];
  ledger: (LedgerSide & { chainId: number }) | null;
  /** The ledger row is for another chain than the deployment's: not compared. */
  ledgerOtherChain: boolean;
  findings: Finding[];
  /** No mismatch between the ledger and the chain (warnings allowed). */
  agrees: boolean;
}

export async function verifyOrder(ctx: VerifyContext, orderReference: string): Promise<OrderVerification> {
  const { client, deployment } = ctx;
  const orderRef = orderRefOf(orderReference);
  await assertSameChain(client, deployment.chainId);
  const block = await client.getBlockNumber({ cacheTime: 0 });
  const read = { address: deployment.proxy, abi: referralRewardsAbi, args: [orderRef], blockNumber: block } as const;
  const [paid, [payment], events] = await Promise.all([
    client.readContract({ ...read, functionName: "paidOrders" }),
    paymentsOf(client, deployment.proxy, [orderRef]),
    readPaidEvents(client, deployment.proxy, {
      fromBlock: BigInt(deployment.startBlock),
      toBlock: block,
      orderRefs: [orderRef],
    }),
  ]);

  // By reference first; by orderRef too, so a row whose reference was altered is still found.
  const rows = await ctx.db
    .select({ ...ledgerColumns, chainId: rewards.chainId })
    .from(rewards)
    .where(or(eq(rewards.orderReference, orderReference), eq(rewards.orderRef, orderRef)));
  const row = rows.find((r) => r.orderReference === orderReference) ?? rows[0];
  const inScope = row !== undefined && row.chainId === deployment.chainId;
  const findings = inScope
    ? compareRow(row, payment, events, {
        now: ctx.now?.() ?? new Date(),
        mintingGraceMs: ctx.mintingGraceMs ?? DEFAULT_MINTING_GRACE_MS,
      })
    : compareUnledgered(orderRef, payment, events);
  return {
    orderReference,
    orderRef,
    chainId: deployment.chainId,
    contract: deployment.proxy,
    block: Number(block),
    paidOrders: paid,
    payment: payment ? { referrer: payment.referrer, amount: payment.amount.toString() } : null,
    events: events.map(eventJson),
    ledger: row ? { ...ledgerSide(row), chainId: row.chainId } : null,
    ledgerOtherChain: row !== undefined && !inScope,
    findings,
    agrees: findings.every((f) => f.severity !== "mismatch"),
  };
}

const eventJson = (event: PaidEvent) => ({
  txHash: event.txHash,
  blockNumber: Number(event.blockNumber),
  logIndex: event.logIndex,
  referrer: event.referrer,
  amount: event.amount.toString(),
});
