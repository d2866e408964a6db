// The API benchmark runs end to end in a tiny mode and writes the format; its accounting
// holds: every visit the beacon acknowledged is stored, minus the duplicates the de-dup rule drops.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { rootDir } from "../lib/paths.ts";

interface ApiResults {
  beacon: { rps: number; p99_ms: number; accepted: number; stored: number };
  beacon_baseline: { rps: number; p99_ms: number };
  ratio: number;
  accounting: { duplicates_dropped: number; expected_stored: number; baseline_accepted: number };
}

describe("npm run bench:api", () => {
  it("writes api.json in the issue's format with exact accounting (1-second mode)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "refcodes-bench-api-test-"));
    try {
      await promisify(execFile)(process.execPath, [join(rootDir, "scripts/bench/api.ts")], {
        env: {
          ...process.env,
          BENCH_RESULTS_DIR: dir,
          BENCH_API_SECONDS: "1",
          BENCH_API_WARMUP_SECONDS: "0.5",
          BENCH_API_CONNECTIONS: "20",
          BENCH_API_CODES: "10",
        },
        timeout: 60_000,
      }).catch((error: { code?: unknown }) => {
        // exit code 1: a target was missed (a busy machine), not a crash
        if (error.code !== 1) throw error;
      });
      const results = JSON.parse(readFileSync(join(dir, "api.json"), "utf8")) as ApiResults;

      assert.deepEqual(Object.keys(results.beacon).sort(), ["accepted", "p99_ms", "rps", "stored"]);
      assert.deepEqual(Object.keys(results.beacon_baseline).sort(), ["p99_ms", "rps"]);
      const figures = [...Object.values(results.beacon), ...Object.values(results.beacon_baseline), results.ratio];
      for (const value of figures) {
        assert.ok(Number.isFinite(value) && value > 0, `${value} is a positive number`);
      }
      const { beacon, accounting } = results;
      assert.ok(accounting.duplicates_dropped > 0, "the load repeats some visitors");
      assert.equal(beacon.stored, accounting.expected_stored);
      // every tenth request repeats another: about a tenth of the accepted ones are duplicates
      assert.ok(Math.abs(accounting.duplicates_dropped / beacon.accepted - 0.1) < 0.02);
      assert.ok(accounting.baseline_accepted > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
