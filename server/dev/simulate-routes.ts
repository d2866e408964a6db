// Placeholder: the demo store's "simulate provider" route lands here (issue 7).
import type { AppDeps } from "../deps.ts";
import { createRouter } from "../http/openapi.ts";

export function simulateRoutes(_deps: AppDeps) {
  return createRouter();
}
