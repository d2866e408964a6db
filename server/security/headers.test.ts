// The headers browsers enforce for us (framing, sniffing, script sources, HTTPS pinning) on every
// kind of answer, and the CORS policy: no origin but the app's own may read the API unless listed
// in CORS_ORIGINS.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startExtraServer } from "../auth/test-fixtures.ts";
import { startTestStack, type TestResponse, type TestStack } from "../test/harness.ts";

let stack: TestStack;
let withPartner: Awaited<ReturnType<typeof startExtraServer>>;
let overHttps: Awaited<ReturnType<typeof startExtraServer>>;
const PARTNER = "https://shop.example";

before(async () => {
  stack = await startTestStack();
  withPartner = await startExtraServer(stack, { CORS_ORIGINS: PARTNER });
  overHttps = await startExtraServer(stack, { PUBLIC_URL: "https://refcodes.example" });
});
after(async () => {
  await withPartner?.stop();
  await overHttps?.stop();
  await stack?.stop();
});

/** The CSP directives of a response, by name. */
function csp(response: TestResponse): Map<string, string[]> {
  const header = response.headers.get("content-security-policy");
  assert.ok(header, `a Content-Security-Policy on ${response.status}`);
  return new Map(
    header.split(";").map((directive) => {
      const [name, ...values] = directive.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

function assertBaseline(response: TestResponse, what: string) {
  const header = (name: string) => response.headers.get(name);
  assert.equal(header("x-frame-options"), "DENY", what);
  assert.equal(header("x-content-type-options"), "nosniff", what);
  assert.equal(header("referrer-policy"), "strict-origin-when-cross-origin", what);
  assert.equal(header("cross-origin-resource-policy"), "same-origin", what);
  assert.match(header("permissions-policy") ?? "", /camera=\(\)/, what);
  assert.equal(header("x-powered-by"), null, what);
  assert.deepEqual(csp(response).get("frame-ancestors"), ["'none'"], what);
}

describe("security headers", () => {
  it("pages run only the app's own scripts, are never framed and post forms only home or to WayForPay", async () => {
    const page = await stack.client().get("/dashboard");
    assert.equal(page.status, 200);
    assertBaseline(page, "page");
    const policy = csp(page);
    assert.deepEqual(policy.get("script-src"), ["'self'"], "no inline or foreign script");
    assert.deepEqual(policy.get("object-src"), ["'none'"]);
    assert.deepEqual(policy.get("base-uri"), ["'self'"]);
    assert.deepEqual(policy.get("form-action"), ["'self'", "https://secure.wayforpay.com"]);
    assert.ok(policy.get("connect-src")?.includes(new URL(stack.anvil.rpcUrl).origin), "the plain-http RPC is named");
  });

  it("JSON answers, errors included, may load and run nothing", async () => {
    const client = stack.client();
    for (const [what, response] of [
      ["app-config", await client.get("/api/app-config")],
      ["401", await client.get("/api/refcodes")],
      ["404", await client.get("/api/no-such-route")],
      ["403 csrf", await client.post("/api/refcodes", {}, { origin: "https://evil.example" })],
      ["beacon", await client.post("/api/refcodes/track", { code: "NOPE" })],
      ["health", await client.get("/healthz")],
    ] as const) {
      assertBaseline(response, what);
      assert.deepEqual(csp(response).get("default-src"), ["'none'"], what);
    }
  });

  it("the API reference may load Scalar from its CDN, and nothing frames it", async () => {
    const docs = await stack.client().get("/api/docs");
    assert.equal(docs.status, 200);
    assertBaseline(docs, "docs");
    assert.ok(csp(docs).get("script-src")?.includes("https://cdn.jsdelivr.net"));
  });

  it("HSTS only when PUBLIC_URL is https", async () => {
    assert.equal((await stack.client().get("/healthz")).headers.get("strict-transport-security"), null);
    const https = await overHttps.client().get("/healthz");
    assert.equal(https.headers.get("strict-transport-security"), "max-age=31536000");
  });
});

describe("CORS", () => {
  const preflight = (client: ReturnType<typeof stack.client>, origin: string) =>
    client.request("OPTIONS", "/api/refcodes", {
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });

  it("by default grants no origin anything: no reads, no preflight", async () => {
    const read = await stack.client().get("/api/app-config", { origin: "https://evil.example" });
    assert.equal(read.status, 200);
    assert.equal(read.headers.get("access-control-allow-origin"), null);
    const options = await preflight(stack.client(), "https://evil.example");
    assert.equal(options.headers.get("access-control-allow-origin"), null);
    assert.equal(options.headers.get("access-control-allow-methods"), null);
  });

  it("grants a CORS_ORIGINS origin reads and writes with credentials, and nobody else", async () => {
    const read = await withPartner.client().get("/api/app-config", { origin: PARTNER });
    assert.equal(read.headers.get("access-control-allow-origin"), PARTNER);
    assert.equal(read.headers.get("access-control-allow-credentials"), "true");
    assert.match(read.headers.get("vary") ?? "", /origin/i);
    const options = await preflight(withPartner.client(), PARTNER);
    assert.equal(options.headers.get("access-control-allow-origin"), PARTNER);
    assert.match(options.headers.get("access-control-allow-methods") ?? "", /POST/);
    const stranger = await withPartner.client().get("/api/app-config", { origin: "https://evil.example" });
    assert.equal(stranger.headers.get("access-control-allow-origin"), null);
  });

  it("pages carry no CORS headers even for a listed origin", async () => {
    const page = await withPartner.client().get("/", { origin: PARTNER });
    assert.equal(page.headers.get("access-control-allow-origin"), null);
  });
});
