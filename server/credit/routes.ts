import type { AppDeps } from "../deps.ts";
import { createRouter } from "../http/openapi.ts";

export function creditRoutes(_deps: AppDeps) {
  return createRouter();
}
