// The server's answer for one order (GET /api/verify/{orderReference}): its own chain reads and
// its ledger row, with its verdict. Shown beside, and compared with, what the browser read.
import { api, ApiError } from "../../api/client.ts";

export interface ServerFinding {
  kind: string;
  severity: "mismatch" | "warning";
  message: string;
}

export interface ServerVerification {
  orderReference: string;
  orderRef: string;
  chainId: number;
  contract: string;
  block: number;
  paidOrders: boolean;
  payment: { referrer: string; amount: string } | null;
  events: { txHash: string; blockNumber: number; logIndex: number; referrer: string; amount: string }[];
  ledger: {
    rewardId: string;
    orderReference: string;
    state: string;
    referrerWallet: string;
    tokenAmount: string | null;
    txHash: string | null;
    blockNumber: number | null;
    chainId: number;
  } | null;
  ledgerOtherChain: boolean;
  findings: ServerFinding[];
  agrees: boolean;
}

/** The answer, or null when this server publishes no verification endpoint. */
export async function fetchServerVerification(
  orderReference: string,
  signal: AbortSignal,
): Promise<ServerVerification | null> {
  try {
    return await api<ServerVerification>(`/api/verify/${encodeURIComponent(orderReference)}`, { signal });
  } catch (error) {
    // The API's catch-all answers an unknown route with 404 "not_found".
    if (error instanceof ApiError && error.status === 404 && error.code === "not_found") return null;
    throw error;
  }
}
