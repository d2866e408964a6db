// What the server tells the app at start (GET /api/app-config): where the browser can reach the
// chain, and optional integrations. The contract's address is not in here: it is in the build.
import { api } from "../api/client.ts";

export interface RuntimeConfig {
  chainId: number;
  /** A JSON-RPC URL the browser can reach. */
  rpcUrl: string;
  /** Prefix of a transaction link (`${explorerTxUrl}${hash}`); null without an explorer. */
  explorerTxUrl: string | null;
  walletConnectProjectId: string | null;
  /** Ponder's GraphQL, when published. */
  indexerUrl: string | null;
  /** The demo store's local "simulate provider" button is offered. */
  simulatePayments: boolean;
}

export const loadRuntimeConfig = () => api<RuntimeConfig>("/api/app-config");
