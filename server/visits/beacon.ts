import type { AppDeps } from "../deps.ts";
import type { RefcodeCache } from "../refcodes/cache.ts";

export interface VisitBeacon {
  close(): Promise<void>;
}

export function createVisitBeacon(_deps: AppDeps, _codes: RefcodeCache): VisitBeacon {
  return { close: async () => {} };
}
