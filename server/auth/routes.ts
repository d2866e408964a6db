import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { getCookie } from "hono/cookie";
import type { Hex } from "viem";
import { attributeSignup } from "../attribution/signup.ts";
import { attributionDecisions, users } from "../db/schema.ts";
import type { AppDeps } from "../deps.ts";
import { unauthorized } from "../http/errors.ts";
import { commonErrors, createRouter, errorResponse } from "../http/openapi.ts";
import { REF_COOKIE } from "../refcodes/first-touch.ts";
import { issueNonce } from "./nonces.ts";
import { endSession, loadSession, requireSession, sessionOf, startSession } from "./sessions.ts";
import { findOrCreateUserByWallet, linkWallet, walletsOf } from "./users.ts";
import { siweExpectations, verifySiwe } from "./verify-siwe.ts";

const SignInBody = z
  .object({
    message: z.string().min(1).max(4096).openapi({ description: "The EIP-4361 message, exactly as signed" }),
    signature: z
      .string()
      .regex(/^0x([0-9a-fA-F]{2})+$/, "expected 0x-prefixed hex")
      .max(20_000)
      .openapi({ description: "EOA, ERC-1271 or ERC-6492 signature" }),
  })
  .openapi("SignIn");

const Session = z
  .object({
    userId: z.uuid(),
    wallet: z.string(),
    wallets: z.array(z.string()),
    isAdmin: z.boolean(),
    referredByUserId: z.uuid().nullable(),
    signupAttribution: z.enum(attributionDecisions),
    signupAttributionReason: z.string().nullable(),
  })
  .openapi("Session");

const tags = ["auth"];

export function authRoutes(deps: AppDeps) {
  const { db, config, chain } = deps;
  const expected = siweExpectations(config, chain);
  const router = createRouter();

  /** The session's admin flag only steers the UI (admin routes check again): an unreachable
   *  chain must not fail a sign-in whose session is already created, so it reads as false. */
  async function adminFlag(wallet: string) {
    try {
      return await deps.isAdmin(wallet as Hex);
    } catch (error) {
      deps.logger.warn({ err: error, wallet }, "admin check failed; the session reports isAdmin false");
      return false;
    }
  }

  async function describe(userId: string, wallet: string) {
    const [user] = await db.select().from(users).where(eq(users.id, userId));
    return {
      userId,
      wallet,
      wallets: await walletsOf(db, userId),
      isAdmin: await adminFlag(wallet),
      referredByUserId: user?.referredByUserId ?? null,
      signupAttribution: user?.signupAttribution ?? "none",
      signupAttributionReason: user?.signupAttributionReason ?? null,
    };
  }

  router.openapi(
    createRoute({
      method: "get",
      path: "/nonce",
      tags,
      summary: "A single-use SIWE nonce, valid for 10 minutes",
      responses: {
        200: {
          content: { "application/json": { schema: z.object({ nonce: z.string(), expiresAt: z.iso.datetime() }) } },
          description: "Put it in the message's Nonce field",
        },
      },
    }),
    async (c) => {
      const { nonce, expiresAt } = await issueNonce(db);
      c.header("Cache-Control", "no-store");
      return c.json({ nonce, expiresAt: expiresAt.toISOString() }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/verify",
      tags,
      summary: "Sign in with Ethereum: creates the user on first sign-in and rotates the session cookie",
      request: { body: { content: { "application/json": { schema: SignInBody } }, required: true } },
      responses: {
        200: { content: { "application/json": { schema: Session } }, description: "Signed in" },
        ...commonErrors,
        401: errorResponse("Rejected: domain, URI, chain, time, nonce or signature (the code says which)"),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const { address } = await verifySiwe(db, chain, expected, {
        message: body.message,
        signature: body.signature as Hex,
      });
      const { userId, created } = await findOrCreateUserByWallet(db, address);
      if (created) {
        const decision = await attributeSignup(db, userId, getCookie(c, REF_COOKIE));
        c.get("logger").info({ userId, wallet: address, attribution: decision }, "user signed up");
      }
      await startSession(c, db, config, { userId, wallet: address });
      return c.json(await describe(userId, address), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/link",
      tags,
      summary: "Link a further wallet to the signed-in user by signing a fresh SIWE message with it",
      middleware: [requireSession(db)] as const,
      request: { body: { content: { "application/json": { schema: SignInBody } }, required: true } },
      responses: {
        200: { content: { "application/json": { schema: Session } }, description: "Linked" },
        ...commonErrors,
        401: errorResponse("Not signed in, or the SIWE message was rejected"),
        409: errorResponse("The wallet belongs to another account"),
      },
    }),
    async (c) => {
      const session = sessionOf(c);
      const body = c.req.valid("json");
      const { address } = await verifySiwe(db, chain, expected, {
        message: body.message,
        signature: body.signature as Hex,
      });
      await linkWallet(db, session.userId, address);
      return c.json(await describe(session.userId, session.wallet), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/session",
      tags,
      summary: "The current session",
      responses: {
        200: { content: { "application/json": { schema: Session } }, description: "Signed in" },
        401: errorResponse("Not signed in"),
      },
    }),
    async (c) => {
      const session = await loadSession(c, db);
      if (!session) throw unauthorized("not signed in");
      return c.json(await describe(session.userId, session.wallet), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/logout",
      tags,
      summary: "End the session (deleted server-side)",
      responses: { 204: { description: "Signed out (also when there was no session)" } },
    }),
    async (c) => {
      await endSession(c, db, config);
      return c.body(null, 204);
    },
  );

  return router;
}
