// The gas benchmark runs end to end and writes the format; its figures are sane.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { rootDir } from "../lib/paths.ts";

type PerPayout = { new: number; repeat: number };
interface GasResults {
  single: PerPayout;
  batch: { "10": PerPayout; "100": PerPayout };
  sequential100: PerPayout;
  floor: { "100": PerPayout };
}

describe("npm run bench:gas", () => {
  it("writes gas.json in the issue's format, every figure above the floor and batches below sequential", async () => {
    const dir = mkdtempSync(join(tmpdir(), "refcodes-bench-"));
    await promisify(execFile)(process.execPath, [join(rootDir, "scripts/bench/gas.ts")], {
      env: { ...process.env, BENCH_RESULTS_DIR: dir },
      timeout: 120_000,
    }).catch((error: { stdout?: string }) => error); // exit code 1 means a target was missed, not a crash
    const gas = JSON.parse(readFileSync(join(dir, "gas.json"), "utf8")) as GasResults;

    assert.deepEqual(Object.keys(gas).sort(), ["batch", "floor", "sequential100", "single"]);
    assert.deepEqual(Object.keys(gas.batch).sort(), ["10", "100"]);
    const figures = [gas.single, gas.batch["10"], gas.batch["100"], gas.sequential100, gas.floor["100"]];
    for (const figure of figures) {
      assert.deepEqual(Object.keys(figure).sort(), ["new", "repeat"]);
      assert.ok(Number.isInteger(figure.new) && Number.isInteger(figure.repeat));
      // A new balance costs 20,000 - 2,900 more; averages round to the unit.
      assert.ok(Math.abs(figure.new - figure.repeat - 17_100) <= 2, `new - repeat = ${figure.new - figure.repeat}`);
    }
    for (const key of ["new", "repeat"] as const) {
      assert.ok(gas.batch["100"][key] > gas.floor["100"][key], `batch of 100 (${key}) is above the floor`);
      assert.ok(gas.batch["100"][key] < gas.batch["10"][key], `a batch of 100 (${key}) is cheaper than 10`);
      assert.ok(gas.batch["10"][key] < gas.sequential100[key], `a batch of 10 (${key}) beats sequential`);
    }
    const detail = JSON.parse(readFileSync(join(dir, "gas-detail.json"), "utf8"));
    assert.ok(detail.limitsOn.single.new > gas.single.new, "limits cost a read and a write");
  });
});
