import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import Stripe from "stripe";
import { StripeConfigError, StripePayloadError, StripeSignatureError } from "./errors.ts";
import { checkoutSession, event, NOW, NOW_SECONDS, SECRET, signed } from "./fixtures.ts";
import { DEFAULT_TOLERANCE_SECONDS, verifyStripeWebhook } from "./verify.ts";

const delivery = event("checkout.session.completed", checkoutSession());

function signatureFailure(run: () => unknown, reason: StripeSignatureError["reason"]): StripeSignatureError {
  let caught: unknown;
  assert.throws(run, (error) => {
    caught = error;
    return error instanceof StripeSignatureError && error.reason === reason;
  });
  return caught as StripeSignatureError;
}

describe("verifyStripeWebhook", () => {
  it("returns the event of a delivery signed by the package's test signer", () => {
    const { body, header } = signed(delivery);
    const verified = verifyStripeWebhook({ rawBody: body, signatureHeader: header, secret: SECRET, now: NOW });
    assert.equal(verified.id, delivery.id);
    assert.equal(verified.type, "checkout.session.completed");
    assert.deepEqual(verified, JSON.parse(body));
  });

  it("takes the raw body as bytes (a Buffer) as well as text", () => {
    const { body, header } = signed(delivery);
    const verified = verifyStripeWebhook({
      rawBody: Buffer.from(body, "utf8"),
      signatureHeader: header,
      secret: SECRET,
      now: NOW,
    });
    assert.equal(verified.id, delivery.id);
  });

  it("accepts a header computed independently: t=<ts>,v1=<hex HMAC-SHA256 of '<ts>.<body>'>", () => {
    const body = JSON.stringify(delivery);
    const timestamp = NOW_SECONDS - 5;
    const v1 = createHmac("sha256", SECRET).update(`${timestamp}.${body}`, "utf8").digest("hex");
    const header = `t=${timestamp},v1=${v1}`;

    assert.equal(header, signed(body, { timestamp }).header, "the package signs the same way");
    const verified = verifyStripeWebhook({ rawBody: body, signatureHeader: header, secret: SECRET, now: NOW });
    assert.equal(verified.id, delivery.id);
    // Stripe may send several v1 signatures (secret rolling): one match is enough.
    const rolled = `t=${timestamp},v1=${"0".repeat(64)},v1=${v1}`;
    assert.equal(
      verifyStripeWebhook({ rawBody: body, signatureHeader: rolled, secret: SECRET, now: NOW }).id,
      delivery.id,
    );
  });

  it("rejects a signature made with another secret as bad_signature, keeping the package's error as cause", () => {
    const { body, header } = signed(delivery, { secret: "whsec_someone_else" });
    const error = signatureFailure(
      () => verifyStripeWebhook({ rawBody: body, signatureHeader: header, secret: SECRET, now: NOW }),
      "bad_signature",
    );
    assert.match(error.message, /does not match/);
    assert.ok(error.cause instanceof Stripe.errors.StripeSignatureVerificationError);
    assert.equal(error.timestamp, NOW_SECONDS - 2);
  });

  it("rejects a tampered body (a changed amount) and a re-serialised one as bad_signature", () => {
    const { body, header } = signed(delivery);
    const tampered = body.replace('"amount_total":4900', '"amount_total":490000');
    assert.notEqual(tampered, body);
    signatureFailure(
      () => verifyStripeWebhook({ rawBody: tampered, signatureHeader: header, secret: SECRET, now: NOW }),
      "bad_signature",
    );
    // Same JSON value, other bytes: what a framework's parsed-then-stringified body looks like.
    const reserialised = JSON.stringify(JSON.parse(body), null, 2);
    signatureFailure(
      () => verifyStripeWebhook({ rawBody: reserialised, signatureHeader: header, secret: SECRET, now: NOW }),
      "bad_signature",
    );
  });

  it("rejects a replayed delivery older than the tolerance as outside_tolerance, saying so", () => {
    const timestamp = NOW_SECONDS - DEFAULT_TOLERANCE_SECONDS - 1;
    const { body, header } = signed(delivery, { timestamp });
    const error = signatureFailure(
      () => verifyStripeWebhook({ rawBody: body, signatureHeader: header, secret: SECRET, now: NOW }),
      "outside_tolerance",
    );
    assert.equal(error.message, "Stripe-Signature is 301 s old, outside the 300 s tolerance (replayed or delayed)");
    assert.equal(error.ageSeconds, 301);
    assert.equal(error.timestamp, timestamp);
    assert.ok(error.cause instanceof Stripe.errors.StripeSignatureVerificationError);
  });

  it("measures the age against the real clock when no time is given", () => {
    const { body, header } = signed(delivery, { timestamp: Math.floor(Date.now() / 1000) - 3_600 });
    signatureFailure(
      () => verifyStripeWebhook({ rawBody: body, signatureHeader: header, secret: SECRET }),
      "outside_tolerance",
    );
    const fresh = signed(delivery, { timestamp: Math.floor(Date.now() / 1000) });
    assert.equal(
      verifyStripeWebhook({ rawBody: fresh.body, signatureHeader: fresh.header, secret: SECRET }).id,
      delivery.id,
    );
  });

  it("accepts an age of exactly the tolerance, and honours a configured tolerance", () => {
    const atLimit = signed(delivery, { timestamp: NOW_SECONDS - 300 });
    assert.ok(
      verifyStripeWebhook({ rawBody: atLimit.body, signatureHeader: atLimit.header, secret: SECRET, now: NOW }),
    );

    const tenMinutes = signed(delivery, { timestamp: NOW_SECONDS - 600 });
    const input = { rawBody: tenMinutes.body, signatureHeader: tenMinutes.header, secret: SECRET, now: NOW };
    signatureFailure(() => verifyStripeWebhook(input), "outside_tolerance");
    assert.ok(verifyStripeWebhook({ ...input, toleranceSeconds: 600 }));
    const error = signatureFailure(() => verifyStripeWebhook({ ...input, toleranceSeconds: 60 }), "outside_tolerance");
    assert.match(error.message, /600 s old, outside the 60 s tolerance/);
  });

  it("calls an old delivery with a wrong signature a bad signature (the signature is checked first)", () => {
    const { body, header } = signed(delivery, { timestamp: NOW_SECONDS - 3_600, secret: "whsec_someone_else" });
    signatureFailure(
      () => verifyStripeWebhook({ rawBody: body, signatureHeader: header, secret: SECRET, now: NOW }),
      "bad_signature",
    );
  });

  it("rejects a missing or malformed Stripe-Signature header", () => {
    const { body, header } = signed(delivery);
    const verify = (signatureHeader: string | null | undefined) => () =>
      verifyStripeWebhook({ rawBody: body, signatureHeader, secret: SECRET, now: NOW });
    signatureFailure(verify(undefined), "missing_header");
    signatureFailure(verify(null), "missing_header");
    signatureFailure(verify(""), "missing_header");
    signatureFailure(verify("garbage"), "malformed_header");
    signatureFailure(verify(`t=${NOW_SECONDS}`), "malformed_header");
    signatureFailure(verify(header.replace(/^t=\d+,/, "")), "malformed_header");
    signatureFailure(verify(header.replace("v1=", "v0=")), "malformed_header");
  });

  it("reports a correctly signed body that is not JSON as a payload error", () => {
    const { body, header } = signed("not json at all");
    assert.throws(
      () => verifyStripeWebhook({ rawBody: body, signatureHeader: header, secret: SECRET, now: NOW }),
      (error) => error instanceof StripePayloadError && error.field === "body",
    );
  });

  it("refuses an unusable secret or tolerance (0 would switch the package's age check off)", () => {
    const { body, header } = signed(delivery);
    const input = { rawBody: body, signatureHeader: header, secret: SECRET, now: NOW };
    for (const secret of ["", "  ", `${SECRET}\n`]) {
      assert.throws(() => verifyStripeWebhook({ ...input, secret }), StripeConfigError);
    }
    for (const toleranceSeconds of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => verifyStripeWebhook({ ...input, toleranceSeconds }), StripeConfigError);
    }
  });
});
