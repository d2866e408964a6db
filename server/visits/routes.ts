// The visit beacon (POST /api/refcodes/track) and visit totals (GET /api/refcodes/{code}/visits).
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isbot } from "isbot";
import { requireSession, sessionOf } from "../auth/sessions.ts";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "../http/context.ts";
import type { RefcodeCache } from "../refcodes/cache.ts";
import { ApiError, badRequest, forbidden, notFound } from "../http/errors.ts";
import { commonErrors, createRouter, errorResponse, invalidRequest } from "../http/openapi.ts";
import { BeaconUnavailableError, type VisitBeacon } from "./beacon.ts";
import { visitTotals } from "./totals.ts";
import { identifyVisitor, loadVisitorSalt, setVisitorCookie, utcDayNumber, utcDayString } from "./visitor.ts";

const TrackBody = z
  .object({
    code: z
      .string()
      .min(1)
      .max(64)
      .openapi({ example: "alice", description: "The referral code the page was opened with" }),
  })
  .openapi("TrackVisit");

const CodeParam = z.object({
  code: z
    .string()
    .max(64)
    .openapi({ param: { name: "code", in: "path" }, example: "alice" }),
});

const VisitTotalsSchema = z
  .object({
    code: z.string().openapi({ example: "alice" }),
    day: z.iso.date().openapi({ description: "Today, the UTC day the windows end on" }),
    today: z.number().int().openapi({ description: "Unique visitors today (UTC)" }),
    last7Days: z
      .number()
      .int()
      .openapi({ description: "Daily unique visitors summed over today and the 6 days before" }),
    last28Days: z.number().int().openapi({ description: "The same over today and the 27 days before" }),
  })
  .openapi("VisitTotals");

const tags = ["visits"];

/** User agents repeat a lot; isbot's pattern is long. A bounded memo of its answers. */
function botCheck(maxEntries = 10_000) {
  const answers = new Map<string, boolean>();
  return (userAgent: string): boolean => {
    let answer = answers.get(userAgent);
    if (answer === undefined) {
      answer = isbot(userAgent);
      if (answers.size >= maxEntries) answers.clear();
      answers.set(userAgent, answer);
    }
    return answer;
  };
}

const TRACK_MEDIA_TYPE = /^\s*(application\/([a-z.-]+\+)?json|text\/plain)\s*(;|$)/i;

/** The beacon's body: JSON, sent as application/json or as text/plain (sendBeacon's default). */
async function readTrackBody(c: Context<AppEnv>): Promise<z.infer<typeof TrackBody>> {
  const contentType = c.req.header("content-type");
  if (contentType !== undefined && !TRACK_MEDIA_TYPE.test(contentType)) {
    throw new ApiError(415, "unsupported_media_type", "send the body as application/json (or text/plain holding JSON)");
  }
  let value: unknown;
  try {
    value = JSON.parse(await c.req.text());
  } catch {
    throw badRequest("malformed_json", 'the body is not JSON: expected {"code": "..."}');
  }
  const parsed = TrackBody.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidRequest("body", parsed.error.issues);
}

/** A lookup the beacon needs failed: the visit cannot be stored, say so as a 503. */
const databaseDown = (c: Context<AppEnv>) => (error: unknown) => {
  c.get("logger").error({ err: error }, "visit beacon: a lookup failed");
  throw unavailable(c, new BeaconUnavailableError("database", "the visit was not stored: the database is unavailable"));
};

function unavailable(c: Context<AppEnv>, error: BeaconUnavailableError): ApiError {
  c.header("Retry-After", "1");
  return new ApiError(503, "visit_not_stored", `${error.message}; retry later`);
}

export function visitRoutes(deps: AppDeps, beacon: VisitBeacon, codes: RefcodeCache) {
  const { db, config } = deps;
  const router = createRouter();
  const isBot = botCheck();
  // Loaded on the first beacon; from then on `salt ?? ...` skips the await on the hot path.
  let salt: string | undefined;
  let loadingSalt: Promise<string> | undefined;
  const loadSalt = async () => {
    loadingSalt ??= loadVisitorSalt(db).finally(() => (loadingSalt = undefined));
    return (salt = await loadingSalt);
  };

  // Documented like the other routes, but served by a plain handler: on this hot path the
  // generic validators (media-type gate, JSON validator) cost about as much as the route's own
  // work; readTrackBody gives the same answers (415, malformed_json, invalid_request).
  router.openAPIRegistry.registerPath({
    method: "post",
    path: "/track",
    tags,
    summary: "Visit beacon: count a visit of a page opened with a referral code",
    description:
      "Counts at most one visit per code, per visitor and per UTC day. The visitor is the `ring_vid` cookie " +
      "(set by this call when absent) or, without it and on the cookie's first day, a salted hash of the client " +
      "address and user agent. Known bots get 204 and are not counted. The 204 is sent once the visit is stored. " +
      "`navigator.sendBeacon(url, JSON.stringify({code}))` works as is (it sends text/plain).",
    request: {
      body: {
        content: { "application/json": { schema: TrackBody }, "text/plain": { schema: TrackBody } },
        required: true,
      },
    },
    responses: {
      204: { description: "Stored (or ignored: a duplicate of today, or a bot)" },
      ...commonErrors,
      404: errorResponse("No such code, or the code is inactive"),
      415: errorResponse("Neither application/json nor text/plain"),
      503: errorResponse("Not stored (database unavailable or overloaded); retry after the Retry-After seconds"),
    },
  });
  router.post("/track", async (c) => {
    const { code } = await readTrackBody(c);
    c.header("Cache-Control", "no-store");
    if (isBot(c.req.header("user-agent") ?? "")) return c.body(null, 204);
    const refcode = await codes.resolve(code).catch(databaseDown(c));
    if (!refcode) throw notFound("unknown_code", `no referral code "${code}"`);
    if (!refcode.active) throw notFound("inactive_code", `the referral code "${refcode.code}" is inactive`);
    const day = utcDayNumber(beacon.now());
    const visitor = identifyVisitor(c, salt ?? (await loadSalt().catch(databaseDown(c))), day, config.trustProxyHops);
    try {
      await beacon.record(refcode.id, utcDayString(day), visitor.key);
    } catch (error) {
      if (error instanceof BeaconUnavailableError) throw unavailable(c, error);
      throw error;
    }
    if (visitor.newCookie) setVisitorCookie(c, config, visitor.newCookie);
    return c.body(null, 204);
  });

  router.openapi(
    createRoute({
      method: "get",
      path: "/{code}/visits",
      tags,
      summary: "Visit totals of a code: today, the last 7 and the last 28 UTC days (its owner or an admin)",
      middleware: [requireSession(db)] as const,
      request: { params: CodeParam },
      responses: {
        200: { content: { "application/json": { schema: VisitTotalsSchema } }, description: "The totals" },
        ...commonErrors,
        401: errorResponse("Not signed in"),
        403: errorResponse("Neither the code's owner nor an admin"),
        404: errorResponse("No such code"),
      },
    }),
    async (c) => {
      const session = sessionOf(c);
      const refcode = await codes.resolve(c.req.valid("param").code);
      if (!refcode) throw notFound("unknown_code", `no referral code "${c.req.valid("param").code}"`);
      if (refcode.userId !== session.userId && !(await deps.isAdmin(session.wallet))) {
        throw forbidden(`only the owner of "${refcode.code}" or an admin can see its visits`);
      }
      const now = beacon.now();
      const totals = (await visitTotals(db, [refcode.id], now)).get(refcode.id)!;
      c.header("Cache-Control", "no-store");
      return c.json({ code: refcode.code, day: utcDayString(utcDayNumber(now)), ...totals }, 200);
    },
  );

  return router;
}
