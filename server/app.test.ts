import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { sql } from "drizzle-orm";
import { loadConfig } from "./config.ts";
import { startServer } from "./server.ts";
import { startTestStack, type TestStack, testServerEnv } from "./test/harness.ts";

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack?.stop());

describe("server foundation", () => {
  it("answers liveness and readiness", async () => {
    const client = stack.client();
    assert.deepEqual((await client.get("/healthz")).body, { status: "ok" });
    const ready = await client.get("/readyz");
    assert.equal(ready.status, 200);
    assert.equal(ready.body.status, "ready");
  });

  it("gives every response a request id, keeping a sane one from the caller", async () => {
    const client = stack.client();
    const generated = await client.get("/healthz");
    assert.match(generated.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    const kept = await client.get("/healthz", { "x-request-id": "trace-abc.123" });
    assert.equal(kept.headers.get("x-request-id"), "trace-abc.123");
    const replaced = await client.get("/healthz", { "x-request-id": "bad id\twith spaces" });
    assert.notEqual(replaced.headers.get("x-request-id"), "bad id\twith spaces");
    const error = await client.get("/api/nothing-here", { "x-request-id": "trace-404" });
    assert.equal(error.status, 404);
    assert.equal(error.body.requestId, "trace-404");
    assert.match(error.body.message, /GET \/api\/nothing-here/);
  });

  it("exports Prometheus metrics with per-route counters", async () => {
    const client = stack.client();
    await client.get("/api/auth/nonce");
    const metrics = await client.get("/metrics");
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get("content-type") ?? "", /text\/plain/);
    assert.match(
      String(metrics.body),
      /refcodes_http_requests_total\{method="GET",route="\/api\/auth\/nonce",status="200"\} \d+/,
    );
    assert.match(String(metrics.body), /refcodes_process_cpu_seconds_total/);
  });

  it("serves the OpenAPI document generated from the routes, and its reference page", async () => {
    const client = stack.client();
    const doc = await client.get("/api/openapi.json");
    assert.equal(doc.body.openapi, "3.1.0");
    for (const path of [
      "/api/auth/nonce",
      "/api/auth/verify",
      "/api/orders",
      "/api/orders/{ref}/pay-with-credit",
      "/api/v1/orders",
    ]) {
      assert.ok(doc.body.paths[path], `${path} is documented`);
    }
    const page = await client.get("/api/docs");
    assert.equal(page.status, 200);
    assert.match(String(page.body), /<html/i);
    assert.match(String(page.body), /\/api\/openapi\.json/);
  });

  it("refuses bodies over 64 KiB with 413", async () => {
    const response = await stack
      .client()
      .post("/api/auth/verify", { message: "x".repeat(70 * 1024), signature: "0x00" }, { "x-request-id": "trace-413" });
    assert.equal(response.status, 413);
    assert.equal(response.body.error, "payload_too_large");
    assert.equal(response.body.requestId, "trace-413");
  });

  it("applies migrations once: a second server on the same database starts and finds them done", async () => {
    const second = await startServer(loadConfig(testServerEnv(stack.database.url, stack.anvil.rpcUrl)), {
      deployment: stack.server.deps.chain.deployment,
    });
    try {
      const rows = await second.deps.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      const journal = JSON.parse(readFileSync(new URL("./db/migrations/meta/_journal.json", import.meta.url), "utf8"));
      assert.equal((rows.rows[0] as { n: number }).n, journal.entries.length);
      assert.equal((await fetch(`${second.url}/readyz`)).status, 200);
    } finally {
      await second.stop();
    }
  });

  it("serves a page for app routes", async () => {
    const page = await stack.client().get("/store");
    assert.equal(page.status, 200);
    assert.match(String(page.body), /Refcodes/);
  });
});
