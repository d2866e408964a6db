import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { transactionStatusKind } from "./status.ts";

describe("transactionStatusKind", () => {
  it("maps every documented status", () => {
    const expected = {
      Approved: "paid",
      Refunded: "refunded",
      Voided: "refunded",
      "Refunded/Voided": "refunded",
      Declined: "declined",
      Expired: "expired",
      InProcessing: "pending",
      Pending: "pending",
      WaitingAuthComplete: "pending",
      RefundInProcessing: "pending",
    } as const;
    for (const [status, kind] of Object.entries(expected)) assert.equal(transactionStatusKind(status), kind, status);
  });

  it("ignores case (the documentation itself writes inProcessing)", () => {
    assert.equal(transactionStatusKind("inProcessing"), "pending");
    assert.equal(transactionStatusKind("APPROVED"), "paid");
  });

  it("maps an undocumented status to ignored", () => {
    for (const status of ["Created", "Refunded, Voided", "", "approved "]) {
      assert.equal(transactionStatusKind(status), "ignored", status);
    }
  });
});
