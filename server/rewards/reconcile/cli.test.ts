// `npm run audit` and `npm run verify-order` as an operator or auditor runs them: child
// processes pointed at the test stack's chain, database and (written out) deployment.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import type { Address, Hex } from "viem";
import { orderRefOf } from "../../../scripts/lib/order-ref.ts";
import { rootDir } from "../../../scripts/lib/paths.ts";
import { rewards } from "../../db/schema.ts";
import { startTestStack, type TestStack } from "../../test/harness.ts";
import type { RewardRow } from "../ledger/transition.ts";
import { type MinterFixtures, minterFixtures } from "../../test/minter-fixtures.ts";
import { runMinter } from "../minter/run.ts";

let stack: TestStack;
let f: MinterFixtures;
let minted: RewardRow[];
const dir = mkdtempSync(join(tmpdir(), "refcodes-reconcile-cli-"));
const deploymentFile = join(dir, "deployment.json");

before(async () => {
  stack = await startTestStack();
  f = await minterFixtures(stack);
  // The stack deploys in memory; the CLIs read a file, as they would deployments/<network>.json.
  writeFileSync(deploymentFile, JSON.stringify(stack.server.deps.chain.deployment));
  minted = await f.insertRewards(5, { referrers: 5 });
  await runMinter(f.minter());
});
after(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a CLI to completion; never throws, so exit codes can be asserted. */
function run(script: "audit" | "verify-order", args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(rootDir, `scripts/${script}.ts`), ...args],
      {
        env: {
          ...process.env,
          NETWORK: "",
          REFCODES_DATA_DIR: dir, // never the developer's .data/
          RPC_URL: stack.anvil.rpcUrl,
          DATABASE_URL: stack.database.url,
          ...env,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const withDeployment = (...args: string[]) => [...args, "--deployment", deploymentFile];

describe("npm run audit / verify-order", () => {
  it("audit: exit 0 and no mismatches on a consistent ledger; --json gives the report", async () => {
    const text = await run("audit", withDeployment());
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.match(text.stdout, /checked 5 ledger rows and 5 on-chain payments/);
    assert.match(text.stdout, /OK: no mismatches/);
    const json = await run("audit", withDeployment("--json"));
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.ok, true);
    assert.equal(report.contract, stack.server.deps.chain.deployment.proxy);
    assert.deepEqual(report.findings, []);
  });

  it("verify-order: prints orderRef, paidOrders, paymentOf, the event and the ledger's agreement", async () => {
    const row = minted[0]!;
    const [stored] = await stack.server.deps.db.select().from(rewards).where(eq(rewards.id, row.id));
    const result = await run("verify-order", withDeployment(row.orderReference));
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const out = result.stdout;
    assert.match(
      out,
      new RegExp(`orderRef\\s+${orderRefOf(row.orderReference)} = keccak256\\("${row.orderReference}"\\)`),
    );
    assert.match(out, /paidOrders\s+true/);
    assert.match(out, new RegExp(`paymentOf\\s+referrer ${row.referrerWallet}, amount ${row.tokenAmount}`));
    assert.match(out, new RegExp(`ReferralPaid\\s+tx ${stored!.txHash}, block ${stored!.blockNumber}`));
    assert.match(out, new RegExp(`ledger\\s+reward ${row.id}: minted, referrer ${row.referrerWallet}`));
    assert.match(out, /ledger agrees\s+yes: minted, to the same referrer, the same amount/);

    const json = JSON.parse((await run("verify-order", withDeployment(row.orderReference, "--json"))).stdout);
    assert.equal(json.paidOrders, true);
    assert.equal(json.events[0].txHash, stored!.txHash);
    assert.equal(json.agrees, true);

    const unknown = await run("verify-order", withDeployment("never-ordered"));
    assert.equal(unknown.code, 0, unknown.stderr);
    assert.match(unknown.stdout, /paidOrders\s+false/);
    assert.match(unknown.stdout, /ledger\s+no row/);
  });

  it("audit and verify-order exit 1 and name the mismatch after tampering or an out-of-band payment", async () => {
    const row = minted[1]!;
    await f.tamper(row.id, { tokenAmount: "1" });
    const orderReference = `cli-out-of-band-${Date.now()}`;
    const orderRef = orderRefOf(orderReference);
    await f.payDirectly(row.referrerWallet as Address, 9n, orderRef as Hex);

    const audit = await run("audit", withDeployment());
    assert.equal(audit.code, 1, audit.stdout + audit.stderr);
    assert.match(audit.stdout, new RegExp(`MISMATCH paid_terms_differ\\s+${row.orderReference} \\(${row.orderRef}\\)`));
    assert.match(
      audit.stdout,
      new RegExp(`ledger \\(minted\\): 1 to ${row.referrerWallet}; on-chain: ${row.tokenAmount}`),
    );
    assert.match(audit.stdout, new RegExp(`MISMATCH paid_without_ledger_row\\s+${orderRef}`));
    assert.match(audit.stdout, /paid_without_ledger_row: a ReferralPaid payment whose orderRef has no ledger row/);
    assert.match(audit.stdout, /FAILED: 2 mismatches \((paid_terms_differ 1, paid_without_ledger_row 1)\)/);

    const verify = await run("verify-order", withDeployment(row.orderReference));
    assert.equal(verify.code, 1, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /ledger agrees\s+NO/);
    assert.match(verify.stdout, /MISMATCH paid_terms_differ/);
    const orphan = await run("verify-order", withDeployment(orderReference));
    assert.equal(orphan.code, 1);
    assert.match(orphan.stdout, /ledger\s+no row/);
    assert.match(orphan.stdout, /MISMATCH paid_without_ledger_row/);
    await f.tamper(row.id, { tokenAmount: row.tokenAmount });
  });

  it("usage errors exit 2 with a message; an unreachable chain exits 3", async () => {
    const missing = await run("verify-order", withDeployment());
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing the order reference to verify/);
    assert.match(missing.stderr, /usage: npm run verify-order -- <orderReference>/);
    const two = await run("verify-order", withDeployment("a", "b"));
    assert.equal(two.code, 2);
    assert.match(two.stderr, /one order reference at a time, got 2/);
    const flag = await run("audit", withDeployment("--verbose"));
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /Unknown option '--verbose'/);
    assert.match(flag.stderr, /usage: npm run audit/);
    const extra = await run("audit", withDeployment("now"));
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /unexpected argument: now/);
    const grace = await run("audit", withDeployment("--grace-minutes", "soon"));
    assert.equal(grace.code, 2);
    assert.match(grace.stderr, /--grace-minutes must be a whole number of minutes/);
    const noFile = await run("audit", ["--deployment", join(dir, "nowhere.json")]);
    assert.equal(noFile.code, 2);
    assert.match(noFile.stderr, /no deployment file .*nowhere\.json: pass --deployment <file> or set NETWORK/);
    const noNetwork = await run("audit", [], { NETWORK: "no-such-network" });
    assert.equal(noNetwork.code, 2);
    assert.match(noNetwork.stderr, /deployments\/no-such-network\.json/);
    const badDb = await run("audit", withDeployment(), { DATABASE_URL: "mysql://x" });
    assert.equal(badDb.code, 2);
    assert.match(badDb.stderr, /DATABASE_URL: expected a postgres:\/\/ URL/);
    const help = await run("audit", ["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes: 0 the ledger agrees/);

    const down = await run("audit", withDeployment(), { RPC_URL: "http://127.0.0.1:9" });
    assert.equal(down.code, 3, down.stdout + down.stderr);
    assert.match(down.stderr, /audit could not finish: HTTP request failed/);
  });
});
