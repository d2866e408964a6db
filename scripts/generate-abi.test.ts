import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { abiModulePath, renderAbiModule } from "./generate-abi.ts";

describe("deployments/abi.ts", () => {
  it("matches the compiled contracts (run `npm run build` after changing a contract)", () => {
    assert.equal(readFileSync(abiModulePath, "utf8"), renderAbiModule());
  });
});
