import { timingSafeEqual } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/require-admin.ts";
import { sha256 } from "../../auth/tokens.ts";
import type { AppDeps } from "../../deps.ts";
import { ApiError } from "../../http/errors.ts";
import { adminErrors, createRouter, errorResponse } from "../../http/openapi.ts";
import type { MinterService } from "./service.ts";

const Summary = z
  .object({
    ran: z.boolean(),
    reason: z.string().optional(),
    reconciled: z
      .number()
      .int()
      .openapi({ description: "Settled from the chain's record (already paid, or left by an earlier run)" }),
    sized: z.number().int().openapi({ description: "Rewards that got their price at the start of the run" }),
    minted: z.number().int(),
    failed: z.number().int(),
    deferred: z.number().int().openapi({ description: "Left approved: the window budget cannot take them yet" }),
    replaced: z.number().int().openapi({ description: "Stuck transactions replaced with a higher fee" }),
    batches: z.array(z.object({ batchId: z.uuid(), txHash: z.string(), size: z.number().int() })),
  })
  .openapi("MintRun");

const summaryResponse = { content: { "application/json": { schema: Summary } }, description: "The run's summary" };

/** Constant-time: both sides are hashed first, so lengths never differ. */
const sameSecret = (given: string, expected: string) => timingSafeEqual(sha256(given), sha256(expected));

export function minterRoutes(deps: AppDeps, minter: MinterService) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "get",
      path: "/cron/refcodes-mint",
      tags: ["minter"],
      summary: "Run the minter (for an external scheduler): `Authorization: Bearer <CRON_SECRET>`",
      responses: {
        200: summaryResponse,
        401: errorResponse("Missing or wrong secret"),
        404: errorResponse("CRON_SECRET is not set: the route is off"),
        503: errorResponse("The minter key is not configured"),
      },
    }),
    async (c) => {
      const secret = deps.config.cronSecret;
      // Off unless configured: a route that does not exist for this deployment.
      if (!secret) throw new ApiError(404, "cron_disabled", "this route is off; set CRON_SECRET to enable it");
      const given = /^Bearer (.+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
      if (!given || !sameSecret(given, secret))
        throw new ApiError(401, "unauthorized", "wrong or missing bearer secret");
      return c.json(await minter.run(), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/admin/mint",
      tags: ["minter", "admin"],
      summary: "Mint now: pay every approved, sized reward",
      middleware: [requireAdmin(deps)] as const,
      responses: {
        200: summaryResponse,
        ...adminErrors,
        503: errorResponse("The minter key is not configured"),
      },
    }),
    async (c) => c.json(await minter.run(), 200),
  );

  return router;
}
