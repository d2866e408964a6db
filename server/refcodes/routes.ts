// The refcode registry: create, list, deactivate and reactivate one's codes, and a public
// resolve for share pages. Visit tracking under the same prefix lives in server/visits.
import { createRoute, z } from "@hono/zod-openapi";
import { getAddress } from "viem";
import { requireSession, sessionOf } from "../auth/sessions.ts";
import type { AppDeps } from "../deps.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { commonErrors, createRouter, errorResponse } from "../http/openapi.ts";
import type { RefcodeCache } from "./cache.ts";
import { createRefcode, listRefcodes, MAX_ACTIVE_CODES, type RefcodeRow, setRefcodeActive } from "./service.ts";
import { checkVanity, VANITY_MAX, VANITY_MIN } from "./vanity.ts";

const Refcode = z
  .object({
    code: z.string().openapi({ example: "K7QM4TXZ", description: "Display form; lookups are case-insensitive" }),
    kind: z.enum(["generated", "vanity"]),
    wallet: z.string().openapi({ example: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", description: "Payout wallet" }),
    active: z.boolean(),
    url: z.string().openapi({ example: "https://refcodes.example/r/K7QM4TXZ", description: "The share link" }),
    createdAt: z.iso.datetime(),
    deactivatedAt: z.iso.datetime().nullable(),
  })
  .openapi("Refcode");

const CreateRefcodeBody = z
  .object({
    vanity: z
      .string()
      .max(256)
      .optional()
      .openapi({
        example: "alice",
        description:
          `A chosen code: ${VANITY_MIN}-${VANITY_MAX} letters, digits, '_' or '-', starting and ending with a ` +
          "letter or digit, not a reserved word, not taken in any letter case. Omit it for a generated code.",
      }),
    wallet: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address")
      .optional()
      .openapi({ description: "The payout wallet, one of your linked wallets; defaults to the session's wallet" }),
  })
  .strict()
  .openapi("CreateRefcode");

const CodeParam = z.object({
  code: z
    .string()
    .max(64)
    .openapi({ param: { name: "code", in: "path" }, example: "alice" }),
});

const ResolvedRefcode = z
  .object({
    code: z.string().openapi({ example: "Alice" }),
    active: z.boolean().openapi({ description: "Only an active code is credited for new visitors" }),
    wallet: z.string().openapi({ description: "The referrer's payout wallet" }),
  })
  .openapi("ResolvedRefcode");

const tags = ["refcodes"];
const unauthorizedResponse = errorResponse("Not signed in");

export function refcodeRoutes(deps: AppDeps, codes: RefcodeCache) {
  const { db, config } = deps;
  const router = createRouter();
  const view = (row: RefcodeRow) => ({
    code: row.code,
    kind: row.kind,
    wallet: row.wallet,
    active: row.active,
    url: new URL(`/r/${encodeURIComponent(row.code)}`, config.publicUrl).toString(),
    createdAt: row.createdAt.toISOString(),
    deactivatedAt: row.deactivatedAt?.toISOString() ?? null,
  });

  router.openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a code: a vanity one when `vanity` is given, a generated one otherwise",
      middleware: [requireSession(db)] as const,
      request: { body: { content: { "application/json": { schema: CreateRefcodeBody } }, required: false } },
      responses: {
        201: { content: { "application/json": { schema: Refcode } }, description: "Created" },
        ...commonErrors,
        401: unauthorizedResponse,
        403: errorResponse("The wallet is not linked to your account"),
        409: errorResponse(`The code is taken (code_taken), or you have ${MAX_ACTIVE_CODES} active codes already`),
      },
    }),
    async (c) => {
      const session = sessionOf(c);
      const body = c.req.valid("json");
      let vanity: string | undefined;
      if (body.vanity !== undefined) {
        const checked = checkVanity(body.vanity);
        if (!checked.ok) throw badRequest(checked.error, checked.message);
        vanity = checked.code;
      }
      const wallet = body.wallet ? getAddress(body.wallet) : session.wallet;
      const row = await createRefcode(db, { userId: session.userId, wallet, vanity });
      // A lookup of this code before it existed may be cached as unknown.
      codes.invalidate(row.code);
      c.get("logger").info({ userId: session.userId, code: row.code, kind: row.kind }, "refcode created");
      return c.json(view(row), 201);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Your codes over all your wallets, newest first",
      middleware: [requireSession(db)] as const,
      responses: {
        200: {
          content: { "application/json": { schema: z.object({ codes: z.array(Refcode) }).openapi("RefcodeList") } },
          description: "Your codes, active and inactive",
        },
        401: unauthorizedResponse,
      },
    }),
    async (c) => {
      const rows = await listRefcodes(db, sessionOf(c).userId);
      return c.json({ codes: rows.map(view) }, 200);
    },
  );

  for (const action of ["deactivate", "reactivate"] as const) {
    const active = action === "reactivate";
    router.openapi(
      createRoute({
        method: "post",
        path: `/{code}/${action}`,
        tags,
        summary: active
          ? `Reactivate one of your codes (idempotent; counts towards the ${MAX_ACTIVE_CODES} active codes)`
          : "Deactivate one of your codes: new visitors are no longer credited to it (idempotent)",
        middleware: [requireSession(db)] as const,
        request: { params: CodeParam },
        responses: {
          200: { content: { "application/json": { schema: Refcode } }, description: active ? "Active" : "Inactive" },
          ...commonErrors,
          401: unauthorizedResponse,
          404: errorResponse("You have no such code (someone else's code is a 404 too)"),
          ...(active ? { 409: errorResponse(`You have ${MAX_ACTIVE_CODES} active codes already`) } : {}),
        },
      }),
      async (c) => {
        const session = sessionOf(c);
        const { code } = c.req.valid("param");
        const row = await setRefcodeActive(db, { userId: session.userId, code, active });
        codes.invalidate(row.code);
        c.get("logger").info({ userId: session.userId, code: row.code, active }, `refcode ${action}d`);
        return c.json(view(row), 200);
      },
    );
  }

  router.openapi(
    createRoute({
      method: "get",
      path: "/resolve/{code}",
      tags,
      summary: "Public: a code's display form, whether it is active, and the referrer's wallet (for share pages)",
      request: { params: CodeParam },
      responses: {
        200: { content: { "application/json": { schema: ResolvedRefcode } }, description: "The code exists" },
        ...commonErrors,
        404: errorResponse("No such code"),
      },
    }),
    async (c) => {
      const { code } = c.req.valid("param");
      // Text that cannot be a code resolves to undefined without a query.
      const record = await codes.resolve(code);
      if (!record) throw notFound("code_not_found", `no code "${code}"`);
      return c.json({ code: record.code, active: record.active, wallet: record.wallet }, 200);
    },
  );

  return router;
}
