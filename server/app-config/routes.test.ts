// GET /api/app-config and the built app's page serving: what the browser is told, and the cache
// policy (hashed assets immutable, everything else revalidated, unknown paths → index.html).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../config.ts";
import { appConfigRoutes } from "./routes.ts";
import { startTestStack, type TestStack } from "../test/harness.ts";

const dist = mkdtempSync(join(tmpdir(), "refcodes-app-dist-"));
mkdirSync(join(dist, "assets"));
writeFileSync(join(dist, "index.html"), "<!doctype html><title>Refcodes app</title>");
writeFileSync(join(dist, "assets", "index-abc123.js"), "console.log('app')");

let stack: TestStack;
before(async () => {
  stack = await startTestStack({
    env: {
      APP_DIST_DIR: dist,
      EXPLORER_TX_URL: "https://explorer.example/tx/",
      WALLETCONNECT_PROJECT_ID: "0123456789abcdef0123456789abcdef",
      PUBLIC_RPC_URL: "https://rpc.example/",
    },
  });
});
after(async () => {
  await stack?.stop();
  rmSync(dist, { recursive: true, force: true });
});

describe("GET /api/app-config", () => {
  it("test_appConfig_configured_tellsTheBrowserWhereToReachTheChain", async () => {
    const response = await fetch(`${stack.url}/api/app-config`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "no-cache");
    assert.deepEqual(await response.json(), {
      chainId: stack.server.deps.chain.chainId,
      rpcUrl: "https://rpc.example/",
      explorerTxUrl: "https://explorer.example/tx/",
      walletConnectProjectId: "0123456789abcdef0123456789abcdef",
      indexerUrl: null,
      // NETWORK is unset (local) and WayForPay has its local test key: the store may simulate it.
      simulatePayments: true,
    });
  });

  it("test_appConfig_notLocal_offersNoSimulatedPayments", async () => {
    const { deps } = stack.server;
    const router = appConfigRoutes({ ...deps, config: { ...deps.config, network: "sepolia" } });
    const body = await (await router.request("/app-config")).json();
    assert.equal(body.simulatePayments, false);
  });

  it("test_loadConfig_badAppVariables_nameEachVariable", () => {
    assert.throws(
      () => loadConfig({ WALLETCONNECT_PROJECT_ID: "nope", EXPLORER_TX_URL: "ftp://x", PUBLIC_RPC_URL: "rpc" }),
      (error: Error) =>
        /WALLETCONNECT_PROJECT_ID: expected the 32 hex digits/.test(error.message) &&
        /EXPLORER_TX_URL: expected a URL/.test(error.message) &&
        /PUBLIC_RPC_URL: expected a URL/.test(error.message),
    );
  });
});

describe("the built app", () => {
  it("test_pages_hashedAsset_isImmutable", async () => {
    const response = await fetch(`${stack.url}/assets/index-abc123.js`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(await response.text(), "console.log('app')");
  });

  it("test_pages_appRoute_servesIndexHtmlRevalidated", async () => {
    for (const path of ["/", "/dashboard", "/r/SOMECODE", "/verify?order=x"]) {
      const response = await fetch(`${stack.url}${path}`);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get("cache-control"), "no-cache", path);
      assert.match(await response.text(), /Refcodes app/, path);
    }
  });

  it("test_pages_missingAsset_is404NotIndexHtml", async () => {
    const response = await fetch(`${stack.url}/assets/missing-000.js`);
    assert.equal(response.status, 404);
    await response.body?.cancel();
  });

  it("test_pages_api_stillAnswersJson", async () => {
    const response = await fetch(`${stack.url}/api/auth/session`);
    assert.equal(response.status, 401);
    assert.equal((await response.json()).error, "unauthorized");
  });
});
