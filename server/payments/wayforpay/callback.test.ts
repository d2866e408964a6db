import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { parseCallback } from "./callback.ts";
import { WayForPayMerchantError, WayForPayPayloadError, WayForPaySignatureError } from "./errors.ts";

// WayForPay's public test merchant (documented test credentials, not a secret).
const MERCHANT = "test_merch_n1";
const SECRET = "flk3409refn54t54t*FNJRET";
const credentials = { merchantAccount: MERCHANT, secretKey: SECRET };

/** The signature WayForPay sends: HMAC-MD5 of the literal signed string, computed independently. */
const sign = (signed: string, key = SECRET) => createHmac("md5", key).update(signed, "utf8").digest("hex");

/** The documented serviceUrl callback's fields, each as a raw JSON fragment (so 1547.30 stays so). */
const documented: Record<string, string> = {
  merchantAccount: '"test_merch_n1"',
  orderReference: '"DH783023"',
  amount: "1547.36",
  currency: '"UAH"',
  authCode: '"541963"',
  email: '"client@mail.ua"',
  phone: '"380501234567"',
  createdDate: "1415379863",
  processingDate: "1415379870",
  cardPan: '"41****8217"',
  cardType: '"Visa"',
  issuerBankCountry: '"980"',
  issuerBankName: '"Privatbank"',
  recToken: '""',
  transactionStatus: '"Approved"',
  reason: '"Ok"',
  reasonCode: "1100",
  fee: "0",
  paymentSystem: '"card"',
};

/** A callback body: the documented fields with `fields` replacing (undefined: removing) some, signed over `signed`. */
function callback(signed: string, fields: Record<string, string | undefined> = {}, key = SECRET): string {
  const all: Record<string, string | undefined> = {
    ...documented,
    merchantSignature: JSON.stringify(sign(signed, key)),
    ...fields,
  };
  const members = Object.entries(all).flatMap(([name, raw]) =>
    raw === undefined ? [] : [`${JSON.stringify(name)}:${raw}`],
  );
  return `{${members.join(",")}}`;
}

const APPROVED = "test_merch_n1;DH783023;1547.36;UAH;541963;41****8217;Approved;1100";

function payloadError(field: string | null) {
  return (error: unknown) => {
    assert.ok(error instanceof WayForPayPayloadError, String(error));
    assert.equal(error.field, field);
    if (field !== null) assert.match(error.message, new RegExp(`\\b${field}\\b`));
    return true;
  };
}

describe("parseCallback", () => {
  it("verifies and normalises an approved payment", () => {
    const body = callback(APPROVED);
    const { event, payload, json } = parseCallback(body, credentials);
    assert.deepEqual(event, {
      provider: "wayforpay",
      providerEventId: "DH783023:Approved:1415379870:154736",
      kind: "paid",
      orderReference: "DH783023",
      amountMinor: 154736n,
      currency: "UAH",
      providerStatus: "Approved",
      occurredAt: new Date(1415379870 * 1000),
    });
    assert.equal(json, body);
    assert.equal(payload.amount, 1547.36);
    assert.equal(payload.reasonCode, 1100);
    assert.equal(payload.cardPan, "41****8217");
  });

  it("reads a body given as bytes", () => {
    const body = callback(APPROVED);
    assert.deepEqual(parseCallback(new TextEncoder().encode(body), credentials), parseCallback(body, credentials));
  });

  it("reads the JSON text when it arrives as the one key of a form", () => {
    const body = callback(APPROVED);
    const form = new URLSearchParams([[body, ""]]).toString();
    assert.ok(!form.startsWith("{"));
    assert.deepEqual(parseCallback(form, credentials).event, parseCallback(body, credentials).event);
    // A byte-order mark and surrounding white space are tolerated.
    assert.deepEqual(parseCallback(`\uFEFF \n${body}\n`, credentials).event, parseCallback(body, credentials).event);
  });

  describe("signature", () => {
    it("refuses a callback signed with another key", () => {
      assert.throws(() => parseCallback(callback(APPROVED, {}, "another key"), credentials), WayForPaySignatureError);
    });

    it("refuses a signed field changed after signing", () => {
      assert.throws(() => parseCallback(callback(APPROVED, { amount: "1.00" }), credentials), WayForPaySignatureError);
      assert.throws(
        () => parseCallback(callback(APPROVED, { transactionStatus: '"Refunded"' }), credentials),
        WayForPaySignatureError,
      );
      assert.throws(
        () => parseCallback(callback(APPROVED, { orderReference: '"DH783024"' }), credentials),
        WayForPaySignatureError,
      );
      assert.throws(
        () => parseCallback(callback(APPROVED, { reasonCode: "1101" }), credentials),
        WayForPaySignatureError,
      );
    });

    it("refuses a malformed or missing signature", () => {
      assert.throws(
        () => parseCallback(callback(APPROVED, { merchantSignature: '"abc"' }), credentials),
        WayForPaySignatureError,
      );
      assert.throws(
        () => parseCallback(callback(APPROVED, { merchantSignature: undefined }), credentials),
        payloadError("merchantSignature"),
      );
    });

    it("accepts the signature in upper-case hex", () => {
      const body = callback(APPROVED, { merchantSignature: JSON.stringify(sign(APPROVED).toUpperCase()) });
      assert.equal(parseCallback(body, credentials).event.kind, "paid");
    });
  });

  it("refuses a callback for another merchant account", () => {
    const signed = "another_merchant;DH783023;1547.36;UAH;541963;41****8217;Approved;1100";
    assert.throws(
      () => parseCallback(callback(signed, { merchantAccount: '"another_merchant"' }), credentials),
      (error) => error instanceof WayForPayMerchantError && error.merchantAccount === "another_merchant",
    );
  });

  describe("amount as sent", () => {
    it("verifies 1547.30 over the characters sent, not over the float 1547.3", () => {
      const body = callback("test_merch_n1;DH783023;1547.30;UAH;541963;41****8217;Approved;1100", {
        amount: "1547.30",
      });
      const { event, json } = parseCallback(body, credentials);
      assert.equal(event.amountMinor, 154730n);
      assert.ok(json.includes('"amount":1547.30'));
    });

    it("also accepts 1547.30 signed in its shortest form, 1547.3", () => {
      const body = callback("test_merch_n1;DH783023;1547.3;UAH;541963;41****8217;Approved;1100", { amount: "1547.30" });
      assert.equal(parseCallback(body, credentials).event.amountMinor, 154730n);
    });

    it("does not accept other renderings than those two", () => {
      const body = callback("test_merch_n1;DH783023;1547.300;UAH;541963;41****8217;Approved;1100", {
        amount: "1547.30",
      });
      assert.throws(() => parseCallback(body, credentials), WayForPaySignatureError);
    });

    it("reads whole and string amounts", () => {
      const whole = callback("test_merch_n1;DH783023;149;UAH;541963;41****8217;Approved;1100", { amount: "149" });
      assert.equal(parseCallback(whole, credentials).event.amountMinor, 14900n);
      const text = callback("test_merch_n1;DH783023;1547.30;UAH;541963;41****8217;Approved;1100", {
        amount: '"1547.30"',
      });
      assert.equal(parseCallback(text, credentials).event.amountMinor, 154730n);
    });

    it("uses the currency's minor-unit exponent", () => {
      const yen = callback("test_merch_n1;DH783023;1547;JPY;541963;41****8217;Approved;1100", {
        amount: "1547",
        currency: '"JPY"',
      });
      assert.equal(parseCallback(yen, credentials).event.amountMinor, 1547n);
      const dinar = callback("test_merch_n1;DH783023;1.234;BHD;541963;41****8217;Approved;1100", {
        amount: "1.234",
        currency: '"BHD"',
      });
      assert.equal(parseCallback(dinar, credentials).event.amountMinor, 1234n);
    });
  });

  describe("missing optional fields", () => {
    it("signs a missing authCode and cardPan, and a null reasonCode, as empty strings", () => {
      const body = callback("test_merch_n1;DH783023;1547.36;UAH;;;Declined;", {
        authCode: undefined,
        cardPan: undefined,
        reasonCode: "null",
        transactionStatus: '"Declined"',
        email: "null",
        cardType: "null",
      });
      const { event } = parseCallback(body, credentials);
      assert.equal(event.kind, "declined");
      assert.equal(event.amountMinor, 154736n);
    });

    it("signs empty strings as empty strings", () => {
      const body = callback("test_merch_n1;DH783023;1547.36;UAH;;;Declined;1101", {
        authCode: '""',
        cardPan: '""',
        reasonCode: "1101",
        transactionStatus: '"Declined"',
      });
      assert.equal(parseCallback(body, credentials).event.kind, "declined");
    });

    it("signs numbers as sent (a numeric authCode, a string reasonCode)", () => {
      const body = callback("test_merch_n1;DH783023;1547.36;UAH;541963;41****8217;Approved;1100", {
        authCode: "541963",
        reasonCode: '"1100"',
      });
      assert.equal(parseCallback(body, credentials).event.kind, "paid");
    });

    it("works without any dates: occurredAt null, an empty date in the id", () => {
      const body = callback(APPROVED, { createdDate: undefined, processingDate: undefined });
      const { event } = parseCallback(body, credentials);
      assert.equal(event.occurredAt, null);
      assert.equal(event.providerEventId, "DH783023:Approved::154736");
    });

    it("falls back to createdDate when processingDate is 0 or null", () => {
      for (const processingDate of ["0", "null"]) {
        const { event } = parseCallback(callback(APPROVED, { processingDate }), credentials);
        assert.deepEqual(event.occurredAt, new Date(1415379863 * 1000));
        assert.equal(event.providerEventId, "DH783023:Approved:1415379863:154736");
      }
    });
  });

  it("maps each status", () => {
    const cases = [
      ["Approved", "paid"],
      ["Refunded", "refunded"],
      ["Voided", "refunded"],
      ["Declined", "declined"],
      ["Expired", "expired"],
      ["InProcessing", "pending"],
      ["inProcessing", "pending"],
      ["Pending", "pending"],
      ["WaitingAuthComplete", "pending"],
      ["RefundInProcessing", "pending"],
      ["Created", "ignored"],
    ] as const;
    for (const [status, kind] of cases) {
      const body = callback(`test_merch_n1;DH783023;1547.36;UAH;541963;41****8217;${status};1100`, {
        transactionStatus: JSON.stringify(status),
      });
      const { event } = parseCallback(body, credentials);
      assert.equal(event.kind, kind, status);
      assert.equal(event.providerStatus, status);
      assert.equal(event.orderReference, "DH783023");
    }
  });

  describe("refunds", () => {
    const REFUNDED = "test_merch_n1;DH783023;1547.36;UAH;541963;41****8217;Refunded;1100";

    it("uses refundAmount for a partial refund", () => {
      const body = callback(REFUNDED, {
        transactionStatus: '"Refunded"',
        refundAmount: "500.50",
        processingDate: "1415400000",
      });
      const { event } = parseCallback(body, credentials);
      assert.equal(event.kind, "refunded");
      assert.equal(event.amountMinor, 50050n);
      assert.equal(event.providerEventId, "DH783023:Refunded:1415400000:50050");
    });

    it("uses the full amount without refundAmount", () => {
      for (const refundAmount of [undefined, "null", '""']) {
        const body = callback(REFUNDED, { transactionStatus: '"Refunded"', refundAmount });
        assert.equal(parseCallback(body, credentials).event.amountMinor, 154736n);
      }
      const voided = callback("test_merch_n1;DH783023;1547.36;UAH;541963;41****8217;Voided;1100", {
        transactionStatus: '"Voided"',
      });
      assert.equal(parseCallback(voided, credentials).event.amountMinor, 154736n);
    });

    it("refuses a refundAmount above the amount or not in minor units", () => {
      assert.throws(
        () =>
          parseCallback(callback(REFUNDED, { transactionStatus: '"Refunded"', refundAmount: "1547.37" }), credentials),
        payloadError("refundAmount"),
      );
      assert.throws(
        () =>
          parseCallback(callback(REFUNDED, { transactionStatus: '"Refunded"', refundAmount: "10.001" }), credentials),
        payloadError("refundAmount"),
      );
      assert.throws(
        () => parseCallback(callback(REFUNDED, { transactionStatus: '"Refunded"', refundAmount: "-1" }), credentials),
        payloadError("refundAmount"),
      );
    });

    it("does not read refundAmount for other statuses", () => {
      assert.equal(parseCallback(callback(APPROVED, { refundAmount: "1.00" }), credentials).event.amountMinor, 154736n);
    });
  });

  describe("providerEventId", () => {
    it("is the same for a redelivery of the same callback, whatever its key order and spacing", () => {
      const body = callback(APPROVED);
      const redelivered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(body)).reverse()), null, 2);
      assert.notEqual(redelivered, body);
      assert.equal(
        parseCallback(redelivered, credentials).event.providerEventId,
        parseCallback(body, credentials).event.providerEventId,
      );
    });

    it("is the same whether the amount is sent as 1547.3 or 1547.30", () => {
      const short = callback("test_merch_n1;DH783023;1547.3;UAH;541963;41****8217;Approved;1100", { amount: "1547.3" });
      const long = callback("test_merch_n1;DH783023;1547.30;UAH;541963;41****8217;Approved;1100", {
        amount: "1547.30",
      });
      assert.equal(
        parseCallback(short, credentials).event.providerEventId,
        parseCallback(long, credentials).event.providerEventId,
      );
    });

    it("differs for a later status of the same order, and for a second refund", () => {
      const approved = parseCallback(callback(APPROVED), credentials).event;
      const refunded = parseCallback(
        callback("test_merch_n1;DH783023;1547.36;UAH;541963;41****8217;Refunded;1100", {
          transactionStatus: '"Refunded"',
          processingDate: "1415400000",
          refundAmount: "100",
        }),
        credentials,
      ).event;
      const refundedAgain = parseCallback(
        callback("test_merch_n1;DH783023;1547.36;UAH;541963;41****8217;Refunded;1100", {
          transactionStatus: '"Refunded"',
          processingDate: "1415500000",
          refundAmount: "100",
        }),
        credentials,
      ).event;
      const ids = new Set([approved.providerEventId, refunded.providerEventId, refundedAgain.providerEventId]);
      assert.equal(ids.size, 3);
    });

    it("cannot be confused by separators inside the order reference", () => {
      const body = callback("test_merch_n1;a:b;1547.36;UAH;541963;41****8217;Approved;1100", {
        orderReference: '"a:b"',
      });
      assert.equal(parseCallback(body, credentials).event.providerEventId, "a%3Ab:Approved:1415379870:154736");
    });
  });

  it("signs the decoded value of an escaped string", () => {
    const body = callback("test_merch_n1;DH783023;1547.36;UAH;541963;41****8217;Approved;1100", {
      orderReference: '"DH\\u0037\\u0038\\u0033023"',
    });
    assert.equal(parseCallback(body, credentials).event.orderReference, "DH783023");
  });

  describe("malformed bodies", () => {
    it("names no field when the body is not a JSON object", () => {
      for (const body of [
        "",
        "not json",
        "{",
        '{"a":1,}',
        "[1,2]",
        '"text"',
        "a=1&b=2",
        "merchantAccount=test_merch_n1",
      ]) {
        assert.throws(() => parseCallback(body, credentials), payloadError(null), JSON.stringify(body));
      }
    });

    it("refuses a body nested too deeply, with a payload error", () => {
      const body = callback(APPROVED, { extra: "[".repeat(100_000) + "]".repeat(100_000) });
      assert.throws(() => parseCallback(body, credentials), payloadError(null));
    });

    it("keeps __proto__ an ordinary own key, and never reads a field through it", () => {
      const body = callback(APPROVED, { ["__proto__"]: '{"polluted":true}' });
      const { payload } = parseCallback(body, credentials);
      assert.equal(Object.getPrototypeOf(payload), Object.prototype);
      assert.ok(Object.hasOwn(payload, "__proto__"));
      assert.equal(payload.polluted, undefined);
      assert.deepEqual(payload["__proto__"], { polluted: true });
      const hidden = callback(APPROVED, { currency: undefined, ["__proto__"]: '{"currency":"UAH"}' });
      assert.throws(() => parseCallback(hidden, credentials), payloadError("currency"));
    });

    it("refuses bytes that are not UTF-8", () => {
      assert.throws(() => parseCallback(new Uint8Array([0x7b, 0xff, 0x7d]), credentials), payloadError(null));
    });

    it("names a missing or mistyped required field", () => {
      for (const field of ["merchantAccount", "orderReference", "amount", "currency", "transactionStatus"]) {
        assert.throws(
          () => parseCallback(callback(APPROVED, { [field]: undefined }), credentials),
          payloadError(field),
          field,
        );
        assert.throws(
          () => parseCallback(callback(APPROVED, { [field]: "null" }), credentials),
          payloadError(field),
          field,
        );
        assert.throws(
          () => parseCallback(callback(APPROVED, { [field]: '""' }), credentials),
          payloadError(field),
          field,
        );
      }
      assert.throws(
        () => parseCallback(callback(APPROVED, { orderReference: "783023" }), credentials),
        payloadError("orderReference"),
      );
      assert.throws(
        () => parseCallback(callback(APPROVED, { authCode: '{"a":1}' }), credentials),
        payloadError("authCode"),
      );
      assert.throws(() => parseCallback(callback(APPROVED, { cardPan: "[]" }), credentials), payloadError("cardPan"));
      assert.throws(() => parseCallback(callback(APPROVED, { amount: "true" }), credentials), payloadError("amount"));
    });

    it("refuses a signed amount that is not a whole number of minor units", () => {
      for (const amount of ["-1547.36", "1547.361", "1.5e3", '"abc"', '"1 547.36"', '"1547,36"']) {
        const text = amount.startsWith('"') ? (JSON.parse(amount) as string) : amount;
        const body = callback(`test_merch_n1;DH783023;${text};UAH;541963;41****8217;Approved;1100`, { amount });
        assert.throws(() => parseCallback(body, credentials), payloadError("amount"), amount);
      }
    });

    it("refuses an unknown or lower-case currency", () => {
      for (const currency of ["XYZ", "uah", "UA"]) {
        const body = callback(`test_merch_n1;DH783023;1547.36;${currency};541963;41****8217;Approved;1100`, {
          currency: JSON.stringify(currency),
        });
        assert.throws(() => parseCallback(body, credentials), payloadError("currency"), currency);
      }
    });

    it("refuses a date that is not unix seconds", () => {
      for (const processingDate of ['"yesterday"', "-1", "1.5", "1e20"]) {
        assert.throws(
          () => parseCallback(callback(APPROVED, { processingDate }), credentials),
          payloadError("processingDate"),
        );
      }
    });
  });
});
