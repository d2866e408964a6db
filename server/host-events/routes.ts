// Admin routes of host events: the endpoints that receive them, the delivery log, and re-send.
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { requireAdmin } from "../auth/require-admin.ts";
import { sessionOf } from "../auth/sessions.ts";
import {
  eventDeliveries,
  eventDeliveryAttempts,
  eventDeliveryStates,
  eventEndpoints,
  hostEvents,
  hostEventTypes,
} from "../db/schema.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError, notFound } from "../http/errors.ts";
import { adminErrors, commonErrors, createRouter, errorResponse, ListLimit } from "../http/openapi.ts";
import { eventBody } from "./dispatch.ts";
import type { HostEventDispatcher } from "./service.ts";
import { newEndpointSecret } from "./signature.ts";

const EndpointUrl = z
  .url({ protocol: /^https?$/, error: "expected an http(s) URL" })
  .max(2048)
  .openapi({ example: "https://shop.example/refcodes-events" });
const EventTypes = z
  .array(z.enum(hostEventTypes))
  .max(hostEventTypes.length)
  .openapi({ description: "Types to receive; empty or omitted: all of them" });

const Endpoint = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.enum(hostEventTypes)),
    active: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .openapi("EventEndpoint");

const Delivery = z
  .object({
    id: z.number().int(),
    eventId: z.uuid().openapi({ description: "Also the Idempotency-Key header of every attempt" }),
    eventType: z.enum(hostEventTypes),
    rewardId: z.uuid(),
    endpointId: z.uuid(),
    state: z.enum(eventDeliveryStates),
    attempts: z.number().int(),
    nextAttemptAt: z.iso
      .datetime()
      .nullable()
      .openapi({ description: "pending deliveries: when the next attempt is due" }),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("EventDelivery");

const Attempt = z
  .object({
    id: z.number().int(),
    status: z.number().int().nullable(),
    error: z.string().nullable(),
    responseBody: z.string().nullable(),
    durationMs: z.number().int(),
    trigger: z.string(),
    at: z.iso.datetime(),
  })
  .openapi("EventDeliveryAttempt");

const DeliveryDetail = Delivery.extend({
  body: z.string().openapi({ description: "The exact JSON body every attempt POSTs (and signs)" }),
  log: z.array(Attempt),
}).openapi("EventDeliveryDetail");

const IdParam = z.object({ id: z.uuid() });
const DeliveryIdParam = z.object({ id: z.coerce.number().int().positive() });
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

type EndpointRow = typeof eventEndpoints.$inferSelect;
const endpointJson = (row: EndpointRow): z.infer<typeof Endpoint> => ({
  id: row.id,
  url: row.url,
  description: row.description,
  eventTypes: row.eventTypes,
  active: row.active,
  createdAt: row.createdAt.toISOString(),
});

const deliveryColumns = {
  delivery: eventDeliveries,
  eventType: hostEvents.type,
  rewardId: hostEvents.rewardId,
};
type DeliveryRow = { delivery: typeof eventDeliveries.$inferSelect; eventType: string; rewardId: string };
const deliveryJson = ({ delivery, eventType, rewardId }: DeliveryRow): z.infer<typeof Delivery> => ({
  id: delivery.id,
  eventId: delivery.eventId,
  eventType: eventType as z.infer<typeof Delivery>["eventType"],
  rewardId,
  endpointId: delivery.endpointId,
  state: delivery.state,
  attempts: delivery.attempts,
  nextAttemptAt: delivery.state === "pending" ? delivery.nextAttemptAt.toISOString() : null,
  lastStatus: delivery.lastStatus,
  lastError: delivery.lastError,
  deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
  createdAt: delivery.createdAt.toISOString(),
});

export function hostEventRoutes(deps: AppDeps, dispatcher: HostEventDispatcher) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "get",
      path: "/admin/event-endpoints",
      tags: ["host events", "admin"],
      summary: "The endpoints that receive reward events (secrets are never shown again)",
      middleware: [requireAdmin(deps)] as const,
      responses: { 200: json(z.object({ endpoints: z.array(Endpoint) }), "Endpoints"), ...adminErrors },
    }),
    async (c) => {
      const rows = await deps.db.select().from(eventEndpoints).orderBy(desc(eventEndpoints.createdAt));
      return c.json({ endpoints: rows.map(endpointJson) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/admin/event-endpoints",
      tags: ["host events", "admin"],
      summary: "Add an endpoint; the response carries its signing secret, once",
      middleware: [requireAdmin(deps)] as const,
      request: {
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.object({
                url: EndpointUrl,
                description: z.string().max(200).optional(),
                eventTypes: EventTypes.optional(),
              }),
            },
          },
        },
      },
      responses: {
        201: json(
          Endpoint.extend({ secret: z.string().openapi({ description: "HMAC-SHA256 key: store it now" }) }),
          "Created",
        ),
        ...commonErrors,
        ...adminErrors,
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const [row] = await deps.db
        .insert(eventEndpoints)
        .values({
          url: body.url,
          description: body.description ?? null,
          eventTypes: [...new Set(body.eventTypes ?? [])],
          secret: newEndpointSecret(),
        })
        .returning();
      return c.json({ ...endpointJson(row!), secret: row!.secret }, 201);
    },
  );

  router.openapi(
    createRoute({
      method: "patch",
      path: "/admin/event-endpoints/{id}",
      tags: ["host events", "admin"],
      summary: "Change an endpoint's URL, types or description, or switch it off and on",
      middleware: [requireAdmin(deps)] as const,
      request: {
        params: IdParam,
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z
                .object({
                  url: EndpointUrl.optional(),
                  description: z.string().max(200).nullable().optional(),
                  eventTypes: EventTypes.optional(),
                  active: z.boolean().optional(),
                })
                .refine((patch) => Object.keys(patch).length > 0, "name at least one field to change"),
            },
          },
        },
      },
      responses: {
        200: json(Endpoint, "Updated"),
        ...commonErrors,
        ...adminErrors,
        404: errorResponse("No such endpoint"),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const patch = c.req.valid("json");
      const [row] = await deps.db
        .update(eventEndpoints)
        .set({
          ...patch,
          eventTypes: patch.eventTypes ? [...new Set(patch.eventTypes)] : undefined,
          updatedAt: new Date(),
        })
        .where(eq(eventEndpoints.id, id))
        .returning();
      if (!row) throw notFound("endpoint_not_found", `no event endpoint ${id}`);
      return c.json(endpointJson(row), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/admin/event-deliveries",
      tags: ["host events", "admin"],
      summary: "The delivery log, newest first (`before` pages back by id)",
      middleware: [requireAdmin(deps)] as const,
      request: {
        query: z.object({
          state: z.enum(eventDeliveryStates).optional(),
          endpointId: z.uuid().optional(),
          eventType: z.enum(hostEventTypes).optional(),
          rewardId: z.uuid().optional(),
          before: z.coerce.number().int().positive().optional(),
          limit: ListLimit,
        }),
      },
      responses: {
        200: json(z.object({ deliveries: z.array(Delivery) }), "Deliveries"),
        ...commonErrors,
        ...adminErrors,
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const filters: (SQL | undefined)[] = [
        query.state ? eq(eventDeliveries.state, query.state) : undefined,
        query.endpointId ? eq(eventDeliveries.endpointId, query.endpointId) : undefined,
        query.eventType ? eq(hostEvents.type, query.eventType) : undefined,
        query.rewardId ? eq(hostEvents.rewardId, query.rewardId) : undefined,
        query.before ? lt(eventDeliveries.id, query.before) : undefined,
      ];
      const rows = await deps.db
        .select(deliveryColumns)
        .from(eventDeliveries)
        .innerJoin(hostEvents, eq(hostEvents.id, eventDeliveries.eventId))
        .where(and(...filters))
        .orderBy(desc(eventDeliveries.id))
        .limit(query.limit);
      return c.json({ deliveries: rows.map(deliveryJson) }, 200);
    },
  );

  async function deliveryDetail(id: number) {
    const [row] = await deps.db
      .select({ ...deliveryColumns, event: hostEvents })
      .from(eventDeliveries)
      .innerJoin(hostEvents, eq(hostEvents.id, eventDeliveries.eventId))
      .where(eq(eventDeliveries.id, id));
    if (!row) throw notFound("delivery_not_found", `no event delivery ${id}`);
    const attempts = await deps.db
      .select()
      .from(eventDeliveryAttempts)
      .where(eq(eventDeliveryAttempts.deliveryId, id))
      .orderBy(desc(eventDeliveryAttempts.id));
    return {
      ...deliveryJson(row),
      body: eventBody(row.event),
      log: attempts.map(({ deliveryId: _delivery, at, ...attempt }) => ({ ...attempt, at: at.toISOString() })),
    };
  }

  router.openapi(
    createRoute({
      method: "get",
      path: "/admin/event-deliveries/{id}",
      tags: ["host events", "admin"],
      summary: "One delivery: its body and every attempt, newest first",
      middleware: [requireAdmin(deps)] as const,
      request: { params: DeliveryIdParam },
      responses: {
        200: json(DeliveryDetail, "The delivery"),
        ...commonErrors,
        ...adminErrors,
        404: errorResponse("No such delivery"),
      },
    }),
    async (c) => c.json(await deliveryDetail(c.req.valid("param").id), 200),
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/admin/event-deliveries/{id}/resend",
      tags: ["host events", "admin"],
      summary: "Send a delivery again now (delivered or not); it starts its retries over if this attempt fails",
      middleware: [requireAdmin(deps)] as const,
      request: { params: DeliveryIdParam },
      responses: {
        200: json(DeliveryDetail, "The delivery after the attempt"),
        ...commonErrors,
        ...adminErrors,
        404: errorResponse("No such delivery"),
        409: errorResponse("Being sent this moment, or its endpoint is switched off"),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      // The re-send changes nothing unless the delivery exists and can be sent; the detail read
      // after it answers 404 for one that does not exist.
      const attempt = await dispatcher.resend(id, `admin:${sessionOf(c).wallet}`);
      const detail = await deliveryDetail(id);
      if (!attempt)
        throw new ApiError(
          409,
          "delivery_busy",
          `delivery ${id} is being sent right now or its endpoint is switched off`,
        );
      return c.json(detail, 200);
    },
  );

  return router;
}
