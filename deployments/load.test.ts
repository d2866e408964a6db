import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DeploymentNotFoundError, InvalidDeploymentError, deploymentPath, loadDeployment } from "./load.ts";

const dir = mkdtempSync(join(tmpdir(), "refcodes-load-"));

describe("loadDeployment", () => {
  it("says which network has no deployment and how to make one", () => {
    assert.throws(
      () => loadDeployment("nowhere", dir),
      (error: unknown) =>
        error instanceof DeploymentNotFoundError && /"nowhere"/.test(error.message) && /deploy/.test(error.message),
    );
  });

  it("names every invalid field of a broken file", () => {
    writeFileSync(
      join(dir, "broken.json"),
      JSON.stringify({ network: "broken", chainId: -1, proxy: "0x12", mode: "BURN" }),
    );
    assert.throws(
      () => loadDeployment("broken", dir),
      (error: unknown) =>
        error instanceof InvalidDeploymentError &&
        ["chainId", "proxy", "mode", "implementation"].every((field) => error.message.includes(field)),
    );
  });

  it("refuses network names that could escape the folder", () => {
    assert.throws(() => deploymentPath("../etc/passwd", dir), InvalidDeploymentError);
    assert.equal(deploymentPath("base-sepolia", dir), join(dir, "base-sepolia.json"));
  });
});
