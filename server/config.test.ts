import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, isLocalOrigin, loadConfig, type RawEnv } from "./config.ts";

/** The ConfigError loadConfig throws for `env`, or a failure if it does not throw one. */
function problemsOf(env: RawEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.message, `invalid configuration:\n${error.problems.map((p) => `  - ${p}`).join("\n")}`);
    return error.problems;
  }
  assert.fail(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe("loadConfig", () => {
  it("has defaults for everything", () => {
    const config = loadConfig({});
    assert.equal(config.host, "127.0.0.1");
    assert.equal(config.port, 8787);
    assert.equal(config.publicUrl.href, "http://localhost:8787/");
    assert.equal(config.databaseUrl, undefined, "the embedded database");
    assert.equal(config.dbPoolMax, 10);
    assert.equal(config.logLevel, "info");
    assert.equal(config.network, "local");
    assert.equal(config.rpcUrl, undefined);
    assert.equal(config.siweChainIds, undefined, "the deployment's chain");
    assert.equal(config.siweMaxSkewSeconds, 300);
    assert.equal(config.sessionTtlSeconds, 7 * 24 * 3600);
    assert.deepEqual(config.adminWallets, []);
    assert.equal(config.adminRoleCacheSeconds, 30);
    assert.equal(config.refCookieMaxAgeSeconds, 30 * 86_400);
    assert.equal(config.beaconFlushMs, 2);
    assert.equal(config.beaconMaxBatch, 2000);
    assert.deepEqual(config.corsOrigins, [], "no origin but PUBLIC_URL's");
    assert.deepEqual(config.rateLimits, { noncePerMinute: 60, authPerMinute: 30, beaconPerMinute: 600 });
  });

  it("parses every variable", () => {
    const config = loadConfig({
      HOST: "0.0.0.0",
      PORT: "3000",
      PUBLIC_URL: "https://refcodes.example/app",
      DATABASE_URL: "postgresql://user:secret@db.internal:5432/refcodes",
      DB_POOL_MAX: "25",
      LOG_LEVEL: "debug",
      NETWORK: "base",
      RPC_URL: "https://rpc.example/v1",
      SIWE_CHAIN_IDS: "8453, 84532",
      SIWE_MAX_SKEW_SECONDS: "60",
      SESSION_TTL_HOURS: "12",
      ADMIN_WALLETS: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266, 0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      ADMIN_ROLE_CACHE_SECONDS: "0",
      REF_COOKIE_DAYS: "90",
    });
    assert.equal(config.host, "0.0.0.0");
    assert.equal(config.port, 3000);
    assert.equal(config.publicUrl.origin, "https://refcodes.example");
    assert.equal(config.databaseUrl, "postgresql://user:secret@db.internal:5432/refcodes");
    assert.equal(config.dbPoolMax, 25);
    assert.equal(config.logLevel, "debug");
    assert.equal(config.network, "base");
    assert.equal(config.rpcUrl, "https://rpc.example/v1");
    assert.deepEqual(config.siweChainIds, [8453, 84532]);
    assert.equal(config.siweMaxSkewSeconds, 60);
    assert.equal(config.sessionTtlSeconds, 12 * 3600);
    assert.deepEqual(config.adminWallets, [
      "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", // checksummed
      "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    ]);
    assert.equal(config.adminRoleCacheSeconds, 0);
    assert.equal(config.refCookieMaxAgeSeconds, 90 * 86_400);
  });

  it("the default PUBLIC_URL follows PORT", () => {
    assert.equal(loadConfig({ PORT: "9000" }).publicUrl.href, "http://localhost:9000/");
  });

  it("treats empty and blank values as unset, and trims the others", () => {
    const config = loadConfig({
      PORT: "",
      DATABASE_URL: "",
      PUBLIC_URL: "   ",
      ADMIN_WALLETS: "",
      SIWE_CHAIN_IDS: "",
      LOG_LEVEL: " warn ",
    });
    assert.equal(config.port, 8787);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.publicUrl.href, "http://localhost:8787/");
    assert.deepEqual(config.adminWallets, []);
    assert.equal(config.siweChainIds, undefined);
    assert.equal(config.logLevel, "warn");
  });

  it("reports every bad variable on its own line in one ConfigError", () => {
    const problems = problemsOf({
      PORT: "abc",
      ADMIN_WALLETS: "0x12",
      DATABASE_URL: "mysql://x",
      LOG_LEVEL: "verbose",
      SESSION_TTL_HOURS: "0",
    });
    assert.equal(problems.length, 5, problems.join("\n"));
    const line = (name: string) => {
      const found = problems.filter((problem) => problem.startsWith(`${name}: `));
      assert.equal(found.length, 1, `one line for ${name}: ${problems.join("\n")}`);
      return found[0]!;
    };
    assert.match(line("PORT"), /expected number.*\(got "abc"\)/);
    assert.match(line("ADMIN_WALLETS"), /entry 1 "0x12": expected a 0x-prefixed 20-byte address/);
    assert.match(line("DATABASE_URL"), /postgres:\/\/.*\(got "mysql:\/\/x"\)/);
    assert.match(line("LOG_LEVEL"), /\(got "verbose"\)/);
    assert.match(line("SESSION_TTL_HOURS"), /\(got "0"\)/);
  });

  it("names each bad entry of a list", () => {
    const problems = problemsOf({
      ADMIN_WALLETS: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8,nope,0x12",
      SIWE_CHAIN_IDS: "8453,base",
    });
    assert.equal(problems.length, 3, problems.join("\n"));
    for (const prefix of [
      'ADMIN_WALLETS: entry 2 "nope": ',
      'ADMIN_WALLETS: entry 3 "0x12": ',
      'SIWE_CHAIN_IDS: entry 2 "base": ',
    ]) {
      assert.equal(problems.filter((problem) => problem.startsWith(prefix)).length, 1, `${prefix} in ${problems}`);
    }
  });

  it("refuses a value that is no URL without crashing", () => {
    for (const name of ["DATABASE_URL", "PUBLIC_URL", "RPC_URL"]) {
      const problems = problemsOf({ [name]: "not a url" });
      assert.equal(problems.length, 1);
      const shown = name === "PUBLIC_URL" ? '\\(got "not a url"\\)' : "\\(the value is not shown\\)";
      assert.match(problems[0]!, new RegExp(`^${name}: expected a URL starting with .*${shown}$`));
    }
  });

  it("never prints a bad credential: secrets are hidden, URLs lose password, path and query", () => {
    const problems = problemsOf({
      REFERRAL_MINTER_PRIVATE_KEY: "ab".repeat(32), // the 0x forgotten
      CRON_SECRET: "short-secret",
      WAYFORPAY_SECRET_KEY: "seven77",
      STRIPE_WEBHOOK_SECRET: "sk_live_not_a_whsec",
      DATABASE_URL: "mysql://admin:hunter2hunter2@db.internal/refcodes?sslpassword=also-secret",
      RPC_URL: "wss://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef",
    });
    assert.equal(problems.length, 6, problems.join("\n"));
    const text = problems.join("\n");
    for (const secret of [
      "ab".repeat(32),
      "short-secret",
      "seven77",
      "sk_live",
      "hunter2",
      "also-secret",
      "0123456789abcdef",
    ]) {
      assert.ok(!text.includes(secret), `${secret} printed in:\n${text}`);
    }
    assert.match(text, /DATABASE_URL: .*\(got "mysql:\/\/admin:\*\*\*@db\.internal\/…"\)/);
    assert.match(text, /RPC_URL: .*\(got "wss:\/\/mainnet\.infura\.io\/…"\)/);
    assert.match(text, /REFERRAL_MINTER_PRIVATE_KEY: .*\(the value is not shown\)/);
  });

  it("reads CORS_ORIGINS as origins and the rate limits per minute, 0 turning one off", () => {
    const config = loadConfig({
      CORS_ORIGINS: "https://Shop.example:443/, http://localhost:3000",
      RATE_LIMIT_NONCE_PER_MINUTE: "5",
      RATE_LIMIT_AUTH_PER_MINUTE: "0",
      RATE_LIMIT_BEACON_PER_MINUTE: "100000",
    });
    assert.deepEqual(config.corsOrigins, ["https://shop.example", "http://localhost:3000"]);
    assert.deepEqual(config.rateLimits, { noncePerMinute: 5, authPerMinute: 0, beaconPerMinute: 100_000 });
    assert.match(problemsOf({ CORS_ORIGINS: "https://shop.example/checkout" })[0]!, /entry 1 .*origin only/);
    assert.match(problemsOf({ CORS_ORIGINS: "*" })[0]!, /^CORS_ORIGINS: entry 1 "\*": expected a URL/);
    assert.equal(problemsOf({ RATE_LIMIT_BEACON_PER_MINUTE: "-1" }).length, 1);
  });

  it("wants http(s) for PUBLIC_URL and RPC_URL, postgres for DATABASE_URL", () => {
    assert.equal(problemsOf({ PUBLIC_URL: "localhost:5173" }).length, 1, "a host:port is no URL here");
    assert.equal(problemsOf({ PUBLIC_URL: "ftp://refcodes.example" }).length, 1);
    assert.equal(problemsOf({ RPC_URL: "ws://127.0.0.1:8545" }).length, 1);
    assert.equal(problemsOf({ DATABASE_URL: "https://db.example" }).length, 1);
    assert.equal(
      loadConfig({ DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test" }).databaseUrl,
      "postgres://postgres@127.0.0.1:5432/test",
    );
    assert.equal(
      loadConfig({ DATABASE_URL: "postgresql:///refcodes?host=/run/postgresql" }).databaseUrl?.startsWith(
        "postgresql:",
      ),
      true,
    );
  });

  it("refuses numbers out of range", () => {
    for (const [name, value] of [
      ["PORT", "65536"],
      ["PORT", "-1"],
      ["PORT", "80.5"],
      ["DB_POOL_MAX", "0"],
      ["DB_POOL_MAX", "201"],
      ["SIWE_MAX_SKEW_SECONDS", "3601"],
      ["ADMIN_ROLE_CACHE_SECONDS", "-1"],
      ["REF_COOKIE_DAYS", "401"],
      ["SIWE_CHAIN_IDS", "0"],
    ] as const) {
      const problems = problemsOf({ [name]: value });
      assert.equal(problems.length, 1, `${name}=${value}`);
      assert.ok(problems[0]!.startsWith(`${name}: `), problems[0]);
    }
  });

  it("refuses a SIWE_CHAIN_IDS list without any id", () => {
    assert.match(problemsOf({ SIWE_CHAIN_IDS: " , " })[0]!, /^SIWE_CHAIN_IDS: list at least one chain id/);
  });

  it("ignores unrelated variables", () => {
    assert.equal(loadConfig({ PATH: "/usr/bin", HOME: "/root", UNRELATED: "x" }).port, 8787);
  });
});

describe("isLocalOrigin", () => {
  it("is true for loopback hosts only", () => {
    for (const url of ["http://localhost:5173", "http://127.0.0.1:8787", "http://[::1]:3000", "https://localhost"]) {
      assert.equal(isLocalOrigin(new URL(url)), true, url);
    }
    for (const url of ["https://refcodes.example", "http://192.168.1.10:5173", "http://localhost.example"]) {
      assert.equal(isLocalOrigin(new URL(url)), false, url);
    }
  });
});
