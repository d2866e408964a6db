import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { buildAcceptance } from "./acceptance.ts";

const SECRET = "flk3409refn54t54t*FNJRET";
const sign = (signed: string) => createHmac("md5", SECRET).update(signed, "utf8").digest("hex");

describe("buildAcceptance", () => {
  it("signs orderReference;accept;time with the time in whole unix seconds", () => {
    const answer = buildAcceptance("DH783023", SECRET, new Date(1415379863_999));
    assert.deepEqual(answer, {
      orderReference: "DH783023",
      status: "accept",
      time: 1415379863,
      signature: sign("DH783023;accept;1415379863"),
    });
    // What the route sends back.
    assert.equal(
      JSON.stringify(answer),
      `{"orderReference":"DH783023","status":"accept","time":1415379863,"signature":"${sign("DH783023;accept;1415379863")}"}`,
    );
  });

  it("echoes the order reference as sent, non-ASCII included", () => {
    const answer = buildAcceptance("замовлення-1", SECRET, new Date(0));
    assert.equal(answer.signature, sign("замовлення-1;accept;0"));
  });

  it("uses the current time by default", () => {
    const before = Math.floor(Date.now() / 1000);
    const { time } = buildAcceptance("DH783023", SECRET);
    assert.ok(time >= before && time <= Math.floor(Date.now() / 1000));
  });

  it("refuses an invalid date", () => {
    assert.throws(() => buildAcceptance("DH783023", SECRET, new Date(Number.NaN)), RangeError);
  });
});
