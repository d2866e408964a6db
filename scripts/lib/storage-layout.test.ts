// The upgrade-safety validation is cached on disk by build-info: a second process reads it instead
// of compiling again, and a torn cache file is validated afresh and replaced.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readArtifact } from "./artifacts.ts";
import { rootDir } from "./paths.ts";

const cacheDir = join(rootDir, "cache", "upgrades-validations");

/** upgradeSafeLayout("ReferralRewards") in a fresh process: its slot count and how long it took. */
function layoutInChildProcess() {
  const script = `
    const started = performance.now();
    const { upgradeSafeLayout } = await import(${JSON.stringify(join(rootDir, "scripts/lib/storage-layout.ts"))});
    const layout = await upgradeSafeLayout("ReferralRewards");
    console.log(JSON.stringify({ slots: layout.storage.length, namespaces: Object.keys(layout.namespaces ?? {}), ms: performance.now() - started }));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as { slots: number; namespaces: string[]; ms: number };
}

describe("upgrade-safety validation cache", () => {
  it("is written per build-info, read by the next process, and rebuilt when torn", () => {
    const buildInfoId = readArtifact("ReferralRewards").buildInfoId;
    const first = layoutInChildProcess();
    const file = readdirSync(cacheDir).find((name) => name.startsWith(`${buildInfoId}-`) && name.endsWith(".json"));
    assert.ok(file, `a cache file for build-info ${buildInfoId}`);
    const path = join(cacheDir, file);
    assert.ok(
      first.namespaces.some((name) => name.startsWith("erc7201:")),
      "the ERC-7201 namespace is in the layout",
    );

    const cached = layoutInChildProcess();
    assert.deepEqual({ ...cached, ms: 0 }, { ...first, ms: 0 }, "the cached validation gives the same layout");

    const good = readFileSync(path, "utf8");
    writeFileSync(path, good.slice(0, good.length / 2)); // a crash mid-write
    const rebuilt = layoutInChildProcess();
    assert.deepEqual({ ...rebuilt, ms: 0 }, { ...first, ms: 0 });
    assert.deepEqual(JSON.parse(readFileSync(path, "utf8")), JSON.parse(good), "the torn file was replaced");
    assert.ok(
      rebuilt.ms > cached.ms,
      `validating (${rebuilt.ms} ms) costs more than reading the cache (${cached.ms} ms)`,
    );
  });
});
