// The browser's own comparisons: the server's answer against what the browser read from the
// chain, and the server's ledger row against the chain (the same rules as the server's audit,
// computed here so the page does not have to take the server's verdict on trust).
import type { ChainReading } from "./chain.ts";
import type { ServerVerification } from "./server-verify.ts";

export interface Check {
  key: "orderRef" | "chainId" | "contract" | "paidOrders" | "payment" | "events";
  ok: boolean;
  browser: string;
  server: string;
}

const lower = (text: string) => text.toLowerCase();
const paymentText = (payment: { referrer: string; amount: string | bigint } | null) =>
  payment ? `${payment.amount.toString()} → ${payment.referrer}` : "—";
const eventsText = (events: readonly { txHash: string; logIndex: number }[]) =>
  events.length === 0
    ? "—"
    : events
        .map((e) => `${lower(e.txHash)}#${e.logIndex}`)
        .sort()
        .join(", ");

/** Field by field: does the server report the chain as this browser read it? */
export function compareWithServer(chain: ChainReading, server: ServerVerification): Check[] {
  const check = (
    key: Check["key"],
    browser: string,
    serverValue: string,
    same = lower(browser) === lower(serverValue),
  ) => ({ key, ok: same, browser, server: serverValue }) satisfies Check;
  return [
    check("orderRef", chain.orderRef, server.orderRef),
    check("chainId", String(chain.chainId), String(server.chainId)),
    check("contract", chain.contract, server.contract),
    check("paidOrders", String(chain.paidOrders), String(server.paidOrders)),
    check("payment", paymentText(chain.payment), paymentText(server.payment)),
    check("events", eventsText(chain.events), eventsText(server.events)),
  ];
}

export type LedgerProblem =
  | "no_row_but_paid"
  | "other_chain"
  | "minted_not_paid"
  | "paid_not_minted"
  | "terms_differ"
  | "in_flight"
  | "tx_differs";

export interface LedgerVerdict {
  /** No mismatch (warnings allowed). */
  agrees: boolean;
  problems: { problem: LedgerProblem; severity: "mismatch" | "warning" }[];
}

const WARNINGS: readonly LedgerProblem[] = ["in_flight", "tx_differs", "other_chain"];

/** The ledger row the server reported, against the chain this browser read. */
export function judgeLedger(
  chain: ChainReading,
  ledger: ServerVerification["ledger"],
  otherChain: boolean,
): LedgerVerdict {
  const problems: LedgerProblem[] = [];
  const paid = chain.payment;
  if (!ledger) {
    if (paid || chain.events.length > 0) problems.push("no_row_but_paid");
  } else if (otherChain || ledger.chainId !== chain.chainId) {
    problems.push("other_chain");
  } else if (!paid) {
    if (ledger.state === "minted") problems.push("minted_not_paid");
  } else {
    if (ledger.state === "minting") problems.push("in_flight");
    else if (ledger.state !== "minted") problems.push("paid_not_minted");
    const sameTerms =
      lower(ledger.referrerWallet) === lower(paid.referrer) && ledger.tokenAmount === paid.amount.toString();
    if (!sameTerms) problems.push("terms_differ");
    const txs = chain.events.map((e) => lower(e.txHash));
    if (ledger.state === "minted" && ledger.txHash && txs.length > 0 && !txs.includes(lower(ledger.txHash))) {
      problems.push("tx_differs");
    }
  }
  const listed = problems.map((problem) => ({
    problem,
    severity: WARNINGS.includes(problem) ? ("warning" as const) : ("mismatch" as const),
  }));
  return { agrees: listed.every((p) => p.severity === "warning"), problems: listed };
}
