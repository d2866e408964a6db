import assert from "node:assert/strict";
import { it } from "node:test";
import { pgErrorCode } from "./errors.ts";

it("test_pgErrorCode_driverOrDrizzleWrapped_findsTheCode", () => {
  const driver = Object.assign(new Error("deadlock detected"), { code: "40P01" });
  assert.equal(pgErrorCode(driver), "40P01");
  assert.equal(pgErrorCode(new Error("Failed query: …", { cause: driver })), "40P01");
  assert.equal(pgErrorCode(new Error("no code")), undefined);
  assert.equal(pgErrorCode(undefined), undefined);
});
