import type { AppDeps } from "../deps.ts";
import { createRouter } from "../http/openapi.ts";
import type { RefcodeCache } from "./cache.ts";

export function refcodeRoutes(_deps: AppDeps, _codes: RefcodeCache) {
  return createRouter();
}
