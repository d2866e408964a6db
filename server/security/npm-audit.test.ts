// The dependency check: `npm audit` over the whole tree (the app's bundle, the server and the dev
// tools that run on developers' machines alike) must show no high or critical advisory that
// security/audit-allowlist.json does not explain. Without a registry answering the audit endpoint
// the live check is skipped, saying why; the report reading is tested either way.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { auditUnavailable, parseAllowList, readAllowList, severeAdvisories, unexplained } from "./npm-audit.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ALLOW_LIST = `${ROOT}security/audit-allowlist.json`;

const advisory = (name: string, severity: string, ghsa: string) => ({
  source: 1,
  name,
  dependency: name,
  title: `${name} is vulnerable`,
  url: `https://github.com/advisories/${ghsa}`,
  severity,
  range: "<2.0.0",
});

/** The shape npm 10/11 prints: a package's `via` holds advisories or names of vulnerable dependencies. */
const REPORT = {
  auditReportVersion: 2,
  vulnerabilities: {
    left: { name: "left", severity: "high", via: [advisory("left", "high", "GHSA-2222-3333-4444")] },
    middle: { name: "middle", severity: "high", via: ["left", advisory("middle", "moderate", "GHSA-5555-6666-7777")] },
    deep: {
      name: "deep",
      severity: "critical",
      via: [advisory("deep", "critical", "GHSA-8888-9999-cccc"), advisory("deep", "critical", "GHSA-8888-9999-cccc")],
    },
  },
  metadata: { vulnerabilities: { high: 2, critical: 1 } },
};

describe("reading npm audit's report", () => {
  it("finds each high or critical advisory once, and no moderate one", () => {
    const found = severeAdvisories(REPORT);
    assert.deepEqual(
      found.map((entry) => `${entry.id} ${entry.packageName} ${entry.severity}`),
      ["GHSA-2222-3333-4444 left high", "GHSA-8888-9999-cccc deep critical"],
    );
  });

  it("leaves only the advisories the allow-list does not name for their package", () => {
    const allowList = {
      advisories: [
        { id: "GHSA-2222-3333-4444", package: "left", reason: "x".repeat(30), reviewed: "2026-01-01" },
        { id: "GHSA-8888-9999-cccc", package: "other", reason: "x".repeat(30), reviewed: "2026-01-01" },
      ],
    };
    assert.deepEqual(
      unexplained(severeAdvisories(REPORT), allowList).map((entry) => entry.id),
      ["GHSA-8888-9999-cccc"],
    );
  });

  it("tells an unreachable audit endpoint from a report", () => {
    const refused = {
      message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
    };
    assert.match(auditUnavailable(refused) ?? "", /405/);
    assert.equal(auditUnavailable(REPORT), undefined);
    assert.ok(auditUnavailable(undefined));
  });

  it("the repository's allow-list is well formed: a GHSA id, a package, a reason and a date each", () => {
    readAllowList(ALLOW_LIST);
    const entry = {
      id: "GHSA-2222-3333-4444",
      package: "left",
      reason: "not reachable from our code paths",
      reviewed: "2026-01-01",
    };
    assert.doesNotThrow(() => parseAllowList(JSON.stringify({ advisories: [entry] })));
    for (const bad of [{ id: "CVE-2026-1" }, { reason: "fine" }, { reviewed: "soon" }, { package: "" }]) {
      assert.throws(() => parseAllowList(JSON.stringify({ advisories: [{ ...entry, ...bad }] })), JSON.stringify(bad));
    }
  });
});

/** `npm audit --json` of the repository; the parsed output even when npm exits non-zero (it does
 *  when it finds something), undefined when it printed no JSON. */
function runAudit(): Promise<unknown> {
  return new Promise((resolve) => {
    execFile(
      "npm",
      ["audit", "--json"],
      { cwd: ROOT, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 },
      (_error, stdout) => {
        try {
          resolve(JSON.parse(stdout));
        } catch {
          resolve(undefined);
        }
      },
    );
  });
}

describe("the dependency tree", () => {
  it("has no high or critical advisory left unexplained", async (t) => {
    const report = await runAudit();
    const unavailable = auditUnavailable(report);
    if (unavailable) {
      t.skip(`npm audit could not ask the registry (${unavailable.slice(0, 200)}); run it where the registry answers`);
      return;
    }
    const allowList = readAllowList(ALLOW_LIST);
    const found = severeAdvisories(report);
    const stale = allowList.advisories.filter(
      (entry) => !found.some((advisory) => advisory.id === entry.id && advisory.packageName === entry.package),
    );
    for (const entry of stale)
      t.diagnostic(`allow-listed ${entry.id} (${entry.package}) is no longer reported: remove it`);
    const left = unexplained(found, allowList);
    assert.deepEqual(
      left.map(
        (entry) => `${entry.severity} ${entry.id} ${entry.packageName} ${entry.range}: ${entry.title} (${entry.url})`,
      ),
      [],
      `fix these (npm audit fix, an override) or explain each in ${ALLOW_LIST}`,
    );
  });
});
