import type { AppDeps } from "../deps.ts";
import { createRouter } from "../http/openapi.ts";

export function orderRoutes(_deps: AppDeps) {
  return createRouter();
}

export function hostRoutes(_deps: AppDeps) {
  return createRouter();
}
