import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "./context.ts";

export const ErrorSchema = z
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

/** A router whose validation failures become 400s naming each bad field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issues = result.error.issues.map((issue) => ({
        // Hono calls the JSON body "json"; clients know it as the body.
        path: [result.target === "json" ? "body" : result.target, ...issue.path].join("."),
        message: issue.message,
      }));
      return c.json(
        {
          error: "invalid_request",
          message: issues.map((issue) => `${issue.path}: ${issue.message}`).join("; "),
          requestId: c.get("requestId"),
          details: issues,
        },
        400,
      );
    },
  });
}

export type Router = ReturnType<typeof createRouter>;
