// Outbound reward events for host platforms, end to end: real webhooks and mints change rewards,
// the outbox records each change once, the dispatcher POSTs signed events to real HTTP endpoints,
// retries with backoff, logs every attempt, and an admin re-sends. Real server, Postgres and anvil.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { eq, sql } from "drizzle-orm";
import { eventDeliveries, hostEvents } from "../db/schema.ts";
import { startEventReceiver, type EventReceiver } from "../test/event-receiver.ts";
import { signIn } from "../test/harness.ts";
import { startWebhookWorld, type WebhookWorld } from "../test/webhook-world.ts";
import { transitionRewards } from "../rewards/ledger/transition.ts";
import { dispatchDueDeliveries, retryDelayMs } from "./dispatch.ts";
import { verifyHostEvent } from "./signature.ts";

const RETRY_BASE_MS = 300;
let world: WebhookWorld;
before(async () => {
  world = await startWebhookWorld({
    HOST_EVENTS_POLL_MS: "25",
    HOST_EVENTS_RETRY_BASE_MS: String(RETRY_BASE_MS),
    HOST_EVENTS_MAX_ATTEMPTS: "3",
    HOST_EVENTS_TIMEOUT_SECONDS: "1",
  });
});
after(() => world?.stop());

const receivers: EventReceiver[] = [];
const endpointIds: string[] = [];
afterEach(async () => {
  // Each test's endpoints stop receiving, so the next test hears only its own events.
  for (const id of endpointIds.splice(0))
    await world.admin.request("PATCH", `/api/admin/event-endpoints/${id}`, { json: { active: false } });
  for (const receiver of receivers.splice(0)) await receiver.close();
});

const db = () => world.stack.server.deps.db;

async function endpoint(eventTypes?: string[]) {
  const receiver = await startEventReceiver();
  receivers.push(receiver);
  const created = await world.admin.post("/api/admin/event-endpoints", { url: receiver.url, eventTypes });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  endpointIds.push(created.body.id);
  return { receiver, id: created.body.id as string, secret: created.body.secret as string };
}

async function paidOrder(amount = "100.00", options: Parameters<WebhookWorld["referredBuyer"]>[0] = {}) {
  const buyer = await world.referredBuyer(options);
  const ref = await buyer.order(Math.round(Number(amount) * 100));
  assert.equal((await world.wayforpay({ orderReference: ref, amount })).status, 200);
  return { buyer, ref, reward: (await world.reward(ref))! };
}

/** The endpoint's first delivery once it reaches `state` (the receiver hears a request before the
 *  dispatcher records its answer). */
async function deliveryIn(endpointId: string, state: string) {
  for (let wait = 0; ; wait++) {
    const [delivery] = await deliveriesOf(endpointId);
    if (delivery?.state === state || wait === 100) return delivery;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const deliveriesOf = async (endpointId: string) =>
  (await world.admin.get(`/api/admin/event-deliveries?endpointId=${endpointId}`)).body.deliveries as any[];

describe("host events", () => {
  it("POSTs every reward event once, signed, with the event id as idempotency key, to each subscribed endpoint", async () => {
    const all = await endpoint();
    const paidOnly = await endpoint(["reward.paid"]);
    const { ref, reward, buyer } = await paidOrder();
    await world.admin.post("/api/admin/rewards/approve", { ids: [reward.id] });
    assert.equal((await world.admin.post("/api/admin/mint")).status, 200);
    // A refund after payout is a clawback; another order of the same referrer is rejected.
    const refund = await world.wayforpay({
      orderReference: ref,
      amount: "100.00",
      transactionStatus: "Refunded",
      processingDate: 1_763_200_000,
    });
    assert.equal(refund.status, 200);
    const other = await paidOrder("50.00", { referrer: buyer.referrer, code: buyer.code });
    await world.admin.post("/api/admin/rewards/reject", { ids: [other.reward.id], reason: "self-referral suspected" });

    const events = (await all.receiver.waitFor(6)).map((request) => request.body);
    assert.deepEqual(
      events.map((event) => [event.type, event.data.orderReference]).sort(),
      [
        ["reward.approved", ref],
        ["reward.cancelled", other.ref],
        ["reward.clawback", ref],
        ["reward.created", other.ref],
        ["reward.created", ref],
        ["reward.paid", ref],
      ].sort(),
    );
    for (const request of all.receiver.received) {
      assert.equal(verifyHostEvent(all.secret, request.headers["refcodes-signature"] as string, request.raw) > 0, true);
      assert.equal(request.headers["idempotency-key"], request.body.id);
      assert.equal(request.headers["refcodes-event-type"], request.body.type);
      assert.throws(
        () => verifyHostEvent(paidOnly.secret, request.headers["refcodes-signature"] as string, request.raw),
        /does not match/,
      );
    }
    const paid = events.find((event) => event.type === "reward.paid")!;
    const minted = (await world.reward(ref))!;
    assert.equal(paid.data.state, "minted");
    assert.equal(paid.data.txHash, minted.txHash);
    assert.equal(paid.data.tokenAmount, minted.tokenAmount);
    assert.equal(paid.data.referrer.wallet, minted.referrerWallet);
    const clawback = events.find((event) => event.type === "reward.clawback")!;
    assert.equal(clawback.data.clawbackTokenAmount, minted.tokenAmount, "a full refund claws back the whole payout");
    assert.equal(events.find((event) => event.type === "reward.cancelled")!.data.reason, "self-referral suspected");

    const [onlyPaid] = await paidOnly.receiver.waitFor(1);
    assert.equal(onlyPaid!.body.type, "reward.paid");
    assert.equal(onlyPaid!.body.id, paid.id, "one event, the same id at every endpoint");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(all.receiver.received.length, 6, "nothing is sent twice");
    assert.equal(paidOnly.receiver.received.length, 1);

    const metrics = await (await fetch(`${world.stack.url}/metrics`)).text();
    assert.match(metrics, /refcodes_host_event_attempts_total\{outcome="delivered"\} [1-9]/);
    const log = await deliveriesOf(all.id);
    assert.equal(log.length, 6);
    assert.ok(
      log.every((delivery) => delivery.state === "delivered" && delivery.attempts === 1 && delivery.lastStatus === 200),
    );
  });

  it("records a reward's approval once however often it re-enters approved", async () => {
    const { reward } = await paidOrder();
    await world.admin.post("/api/admin/rewards/approve", { ids: [reward.id] });
    // A mint run that gave the reward back (a replaced transaction, a crash) re-approves it.
    await transitionRewards(db(), { ids: [reward.id], to: "minting", actor: "test" });
    await transitionRewards(db(), { ids: [reward.id], to: "approved", actor: "test" });
    const types = await db()
      .select({ type: hostEvents.type })
      .from(hostEvents)
      .where(eq(hostEvents.rewardId, reward.id));
    assert.deepEqual(types.map((row) => row.type).sort(), ["reward.approved", "reward.created"]);
  });

  it("retries a refused delivery with growing delays, keeps one idempotency key, and logs each attempt", async () => {
    const host = await endpoint(["reward.created"]);
    host.receiver.answers.push(500, 503);
    await paidOrder();
    const [first, second, third] = await host.receiver.waitFor(3);
    assert.deepEqual(
      [first, second, third].map((request) => request!.answered),
      [500, 503, 200],
    );
    assert.equal(new Set([first, second, third].map((request) => request!.headers["idempotency-key"])).size, 1);
    assert.deepEqual(
      [first, second, third].map((request) => request!.headers["refcodes-delivery-attempt"]),
      ["1", "2", "3"],
    );
    const firstGap = second!.at - first!.at;
    const secondGap = third!.at - second!.at;
    assert.ok(firstGap >= RETRY_BASE_MS * 0.8, `first retry after ${firstGap} ms`);
    assert.ok(
      secondGap >= RETRY_BASE_MS * 2 * 0.8 && secondGap > firstGap,
      `second retry after ${secondGap} ms (first ${firstGap})`,
    );

    const delivery = await deliveryIn(host.id, "delivered");
    assert.equal(delivery.state, "delivered");
    const detail = (await world.admin.get(`/api/admin/event-deliveries/${delivery.id}`)).body;
    assert.deepEqual(
      detail.log.map((attempt: { status: number }) => attempt.status),
      [200, 503, 500],
    );
    assert.equal(detail.log[2].responseBody, "refused with 500");
    assert.equal(detail.body, third!.raw, "the log shows the exact body sent");
  });

  it("gives up after the last attempt, and an admin re-send delivers it", async () => {
    const host = await endpoint(["reward.created"]);
    host.receiver.answers.push(500, 500, 500);
    await paidOrder();
    await host.receiver.waitFor(3);
    const delivery = await deliveryIn(host.id, "failed");
    assert.equal(delivery.state, "failed");
    assert.equal(delivery.lastStatus, 500);
    await new Promise((resolve) => setTimeout(resolve, RETRY_BASE_MS * 2));
    assert.equal(host.receiver.received.length, 3, "no attempt after the last");

    const resent = await world.admin.post(`/api/admin/event-deliveries/${delivery.id}/resend`);
    assert.equal(resent.status, 200, JSON.stringify(resent.body));
    assert.equal(resent.body.state, "delivered");
    assert.match(resent.body.log[0].trigger, /^admin:0x[0-9a-fA-F]{40}$/);
    assert.equal(
      host.receiver.received[3]!.headers["idempotency-key"],
      host.receiver.received[0]!.headers["idempotency-key"],
    );

    // Every re-send is the admin's own attempt, even with another replica polling without pause:
    // the re-send resets and leases the delivery in one statement, so no dispatcher takes it first.
    const replica = {
      db: db(),
      logger: world.stack.server.deps.logger,
      settings: { ...world.stack.server.deps.config.hostEvents, batchSize: 50 },
    };
    let resending = true;
    const poller = (async () => {
      while (resending) await dispatchDueDeliveries(replica);
    })();
    try {
      for (let again = 1; again <= 20; again++) {
        const repeat = await world.admin.post(`/api/admin/event-deliveries/${delivery.id}/resend`);
        assert.equal(repeat.status, 200, `re-send ${again}: ${JSON.stringify(repeat.body)}`);
        assert.equal(repeat.body.state, "delivered");
        assert.match(repeat.body.log[0].trigger, /^admin:/);
      }
    } finally {
      resending = false;
      await poller;
    }
    assert.equal(host.receiver.received.length, 4 + 20);
  });

  it("records a timeout as a failed attempt and tries again", async () => {
    const host = await endpoint(["reward.created"]);
    host.receiver.delayMs = 1_500; // longer than HOST_EVENTS_TIMEOUT_SECONDS=1
    await paidOrder();
    await host.receiver.waitFor(1);
    host.receiver.delayMs = 0;
    await host.receiver.waitFor(2, 10_000);
    const delivery = await deliveryIn(host.id, "delivered");
    const detail = (await world.admin.get(`/api/admin/event-deliveries/${delivery.id}`)).body;
    assert.equal(detail.state, "delivered");
    assert.equal(detail.log.at(-1).status, null);
    assert.match(detail.log.at(-1).error, /timed out after 1000 ms/);
  });

  it("holds a switched-off endpoint's queued deliveries until it is back on, and queues nothing new meanwhile", async () => {
    const host = await endpoint(["reward.created"]);
    host.receiver.answers.push(500);
    await paidOrder();
    await host.receiver.waitFor(1);
    const off = await world.admin.request("PATCH", `/api/admin/event-endpoints/${host.id}`, {
      json: { active: false },
    });
    assert.equal(off.body.active, false);
    await paidOrder(); // while it is off
    await new Promise((resolve) => setTimeout(resolve, RETRY_BASE_MS * 2));
    assert.equal(host.receiver.received.length, 1, "no retry while switched off");
    const waiting = await deliveriesOf(host.id);
    assert.deepEqual(
      waiting.map((delivery) => delivery.state),
      ["pending"],
      "nothing queued while off",
    );
    const busy = await world.admin.post(`/api/admin/event-deliveries/${waiting[0].id}/resend`);
    assert.equal(busy.status, 409);
    assert.match(busy.body.message, /switched off/);
    await world.admin.request("PATCH", `/api/admin/event-endpoints/${host.id}`, { json: { active: true } });
    const [, retried] = await host.receiver.waitFor(2);
    assert.equal(retried!.body.id, host.receiver.received[0]!.body.id);
  });

  it("lets replicas dispatch side by side without sending any delivery twice", async () => {
    const host = await endpoint(["reward.created"]);
    host.receiver.delayMs = 20;
    const settings = { ...world.stack.server.deps.config.hostEvents, batchSize: 5 };
    const replica = { db: db(), logger: world.stack.server.deps.logger, settings };
    const orders = await Promise.all(Array.from({ length: 20 }, () => paidOrder("10.00")));
    // The server's own dispatcher runs every 25 ms; two more replicas race it.
    const drain = async () => {
      for (let round = 0; round < 100; round++) {
        await dispatchDueDeliveries(replica);
        const [{ pending }] = (
          await db().execute<{ pending: number }>(
            sql`select count(*)::int as pending from event_deliveries where endpoint_id = ${host.id} and state = 'pending'`,
          )
        ).rows as [{ pending: number }];
        if (pending === 0) return;
      }
    };
    await Promise.all([drain(), drain()]);
    await host.receiver.waitFor(20);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const ids = host.receiver.received.map((request) => request.body.id);
    assert.equal(ids.length, 20, "each delivery sent once");
    assert.equal(new Set(ids).size, 20);
    assert.deepEqual(
      new Set(host.receiver.received.map((request) => request.body.data.orderReference)),
      new Set(orders.map((order) => order.ref)),
    );
    const rows = await db().select().from(eventDeliveries).where(eq(eventDeliveries.endpointId, host.id));
    assert.ok(rows.every((row) => row.state === "delivered" && row.attempts === 1));
  });

  it("validates endpoints and refuses non-admins", async () => {
    const bad = await world.admin.post("/api/admin/event-endpoints", {
      url: "ftp://host/x",
      eventTypes: ["reward.minted"],
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /body\.url/);
    assert.match(bad.body.message, /body\.eventTypes\.0/);
    const empty = await world.admin.request(
      "PATCH",
      "/api/admin/event-endpoints/00000000-0000-4000-8000-000000000000",
      { json: {} },
    );
    assert.equal(empty.status, 400);
    const missing = await world.admin.request(
      "PATCH",
      "/api/admin/event-endpoints/00000000-0000-4000-8000-000000000000",
      { json: { active: true } },
    );
    assert.equal(missing.status, 404);
    assert.equal((await world.admin.post("/api/admin/event-deliveries/999999999/resend")).status, 404);
    assert.equal((await world.admin.get("/api/admin/event-deliveries?state=lost")).status, 400);

    const listed = await world.admin.get("/api/admin/event-endpoints");
    assert.equal(listed.status, 200);
    assert.ok(
      listed.body.endpoints.every((row: Record<string, unknown>) => !("secret" in row)),
      "secrets are shown once",
    );

    const stranger = world.stack.client();
    assert.equal((await stranger.get("/api/admin/event-endpoints")).status, 401);
    await signIn(stranger);
    assert.equal((await stranger.get("/api/admin/event-endpoints")).status, 403);
    assert.equal((await stranger.post("/api/admin/event-endpoints", { url: "https://evil.example/" })).status, 403);
    assert.equal((await stranger.get("/api/admin/event-deliveries")).status, 403);
  });
});

describe("retry delays", () => {
  const settings = { batchSize: 1, timeoutMs: 1000, retryBaseMs: 10_000, maxDelayMs: 3_600_000, maxAttempts: 12 };
  it("doubles from the base, with ±20% jitter, up to the cap", () => {
    assert.equal(
      retryDelayMs(settings, 1, () => 0.5),
      10_000,
    );
    assert.equal(
      retryDelayMs(settings, 2, () => 0.5),
      20_000,
    );
    assert.equal(
      retryDelayMs(settings, 4, () => 0.5),
      80_000,
    );
    assert.equal(
      retryDelayMs(settings, 1, () => 0),
      8_000,
    );
    assert.equal(
      retryDelayMs(settings, 1, () => 0.999_999),
      12_000,
    );
    assert.equal(
      retryDelayMs(settings, 30, () => 0.5),
      3_600_000,
    );
  });
});
