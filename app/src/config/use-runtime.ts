import { createContext, useContext } from "react";
import type { RuntimeConfig } from "./runtime.ts";

export const RuntimeConfigContext = createContext<RuntimeConfig | null>(null);

export function useRuntimeConfig(): RuntimeConfig {
  const config = useContext(RuntimeConfigContext);
  if (!config) throw new Error("useRuntimeConfig outside the app's providers");
  return config;
}

/** A link to a transaction on the configured explorer; null when there is none. */
export function useTxUrl(): (hash: string) => string | null {
  const { explorerTxUrl } = useRuntimeConfig();
  return (hash) => (explorerTxUrl ? `${explorerTxUrl}${hash}` : null);
}
