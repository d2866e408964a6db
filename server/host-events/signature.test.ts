import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HostEventSignatureError, newEndpointSecret, signHostEvent, verifyHostEvent } from "./signature.ts";

const secret = newEndpointSecret();
const body = JSON.stringify({ id: "e1", type: "reward.paid", data: { amount: "1" } });
const now = 1_800_000_000;

describe("host event signatures", () => {
  it("accepts the body it signed, within the tolerance", () => {
    assert.equal(verifyHostEvent(secret, signHostEvent(secret, now, body), body, { now: now + 299 }), now);
  });

  it("refuses a changed body, another secret, a stale or future timestamp, and malformed headers", () => {
    const header = signHostEvent(secret, now, body);
    const refused = (fn: () => unknown, message: RegExp) =>
      assert.throws(fn, (error: Error) => error instanceof HostEventSignatureError && message.test(error.message));
    refused(() => verifyHostEvent(secret, header, body.replace('"1"', '"2"'), { now }), /does not match/);
    refused(() => verifyHostEvent(newEndpointSecret(), header, body, { now }), /does not match/);
    refused(() => verifyHostEvent(secret, header, body, { now: now + 301 }), /outside the tolerance/);
    refused(() => verifyHostEvent(secret, header, body, { now: now - 301 }), /outside the tolerance/);
    refused(() => verifyHostEvent(secret, undefined, body, { now }), /missing Refcodes-Signature/);
    refused(() => verifyHostEvent(secret, "v1=abc", body, { now }), /malformed/);
    refused(() => verifyHostEvent(secret, `t=${now}`, body, { now }), /malformed/);
    // The timestamp is signed: moving it breaks the signature.
    refused(() => verifyHostEvent(secret, header.replace(`t=${now}`, `t=${now + 1}`), body, { now }), /does not match/);
  });

  it("accepts any of several v1 signatures (a secret being rotated)", () => {
    const old = newEndpointSecret();
    const header = `${signHostEvent(old, now, body)},v1=${signHostEvent(secret, now, body).split("v1=")[1]}`;
    assert.equal(verifyHostEvent(secret, header, body, { now }), now);
    assert.equal(verifyHostEvent(old, header, body, { now }), now);
  });

  it("makes secrets of 32 random bytes with a recognisable prefix", () => {
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(newEndpointSecret(), secret);
  });
});
