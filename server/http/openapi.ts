import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "./context.ts";
import { type ApiError, badRequest } from "./errors.ts";

const ErrorSchema = z
  .object({
    error: z.string().openapi({ example: "invalid_request" }),
    message: z.string().openapi({ example: "body.currency: expected a 3-letter ISO 4217 code" }),
    requestId: z.string().optional(),
    details: z.unknown().optional(),
  })
  .openapi("Error");

export const errorResponse = (description: string) => ({
  content: { "application/json": { schema: ErrorSchema } },
  description,
});

/** Responses every route can give on bad input. */
export const commonErrors = {
  400: errorResponse("The request is malformed; the message names the field."),
} as const;

/** Responses of every admin route (requireAdmin): no session, or a session without the admin role. */
export const adminErrors = {
  401: errorResponse("Not signed in"),
  403: errorResponse("Not an admin"),
} as const;

/** `?limit=` of a list route: 1 to 500 rows, 100 unless asked. */
export const ListLimit = z.coerce.number().int().min(1).max(500).default(100);

/** A 400 naming each bad field as `<where>.<path>: <message>`, for zod issues of one input. */
export function invalidRequest(where: string, issues: readonly { path: PropertyKey[]; message: string }[]): ApiError {
  const details = issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
  return badRequest("invalid_request", details.map((issue) => `${issue.path}: ${issue.message}`).join("; "), details);
}

/** A router whose validation failures become 400s naming each bad field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      // Hono calls the JSON body "json"; clients know it as the body.
      throw invalidRequest(result.target === "json" ? "body" : result.target, result.error.issues);
    },
  });
}

export type Router = ReturnType<typeof createRouter>;
