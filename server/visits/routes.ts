import type { AppDeps } from "../deps.ts";
import { createRouter } from "../http/openapi.ts";
import type { VisitBeacon } from "./beacon.ts";

export function visitRoutes(_deps: AppDeps, _beacon: VisitBeacon) {
  return createRouter();
}
