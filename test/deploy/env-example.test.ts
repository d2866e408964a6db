// .env.example names exactly what the code reads, and its example values pass the code's checks.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig } from "../../server/config.ts";
import { ponderStartFromEnv } from "../../scripts/indexer.ts";
import { envExample, envNamesIn, envNamesReadByCode } from "./sources.ts";

describe(".env.example", () => {
  it("lists every variable the server, the indexer and the scripts read, and nothing else", () => {
    const read = envNamesReadByCode();
    const listed = new Set(envExample().keys());
    const missing = [...read].filter((name) => !listed.has(name)).sort();
    const unknown = [...listed].filter((name) => !read.has(name)).sort();
    assert.deepEqual(missing, [], `read by the code but not in .env.example: ${missing.join(", ")}`);
    assert.deepEqual(unknown, [], `in .env.example but read by nothing: ${unknown.join(", ")}`);
    // The reader scan itself finds what it should, so an empty scan cannot pass the check above.
    for (const name of ["DATABASE_URL", "CRON_SECRET", "RPC_WS_URL", "DEPLOYER_PRIVATE_KEY", "PG_BIN_DIR"]) {
      assert.ok(read.has(name), `${name} is found in the code`);
    }
  });

  it("finds names in each form the code reads them", () => {
    const source = [
      "const a = process.env.ALPHA;",
      'const b = process.env["BETA"];',
      "const c = env.GAMMA ?? rawEnv.DELTA;",
      "const schema = z.object({",
      "  EPSILON: z.string(),",
      "    NOT_A_KEY: nested,",
      "});",
      "const p = process.env.PATH;",
    ].join("\n");
    assert.deepEqual([...envNamesIn(source)].sort(), ["ALPHA", "BETA", "DELTA", "EPSILON", "GAMMA"]);
  });

  it("has example values the server and the indexer entrypoint accept", () => {
    const env = Object.fromEntries(envExample());
    const config = loadConfig(env);
    assert.equal(config.port, 8787);
    assert.equal(config.network, "sepolia");
    assert.equal(config.minter.privateKey, undefined, "no key is given as an example");
    const { args } = ponderStartFromEnv({ ...env, INDEXER_SCHEMA: env.INDEXER_SCHEMA });
    assert.equal(args[args.indexOf("--port") + 1], env.INDEXER_PORT);
    assert.equal(args[args.indexOf("--views-schema") + 1], env.INDEXER_VIEWS_SCHEMA);
  });

  it("leaves every secret empty", () => {
    const example = envExample();
    const secrets = [
      "REFERRAL_MINTER_PRIVATE_KEY",
      "DEPLOYER_PRIVATE_KEY",
      "ADMIN_PRIVATE_KEY",
      "CRON_SECRET",
      "STRIPE_WEBHOOK_SECRET",
      "WAYFORPAY_SECRET_KEY",
    ];
    for (const name of secrets) assert.equal(example.get(name), "", `${name} has no example value`);
  });
});
