import type { Logger } from "pino";
import type { Address } from "viem";

export interface SessionInfo {
  userId: string;
  wallet: Address;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
}

/** Hono's per-request variables. */
export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    session: SessionInfo | undefined;
    apiKey: ApiKeyInfo | undefined;
  };
}
