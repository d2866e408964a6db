// What anyone may learn about an order: everything the chain says, and the ledger's verdict. The
// ledger row's terms (referrer wallet, amount, state) are disclosed only once the order is paid
// on-chain, where paymentOf discloses them anyway; before that, a guessed order reference must not
// reveal who is owed what. Finding messages quote those terms, so then only their kinds are shown.
import { kindDescriptions } from "./kinds.ts";
import type { OrderVerification } from "./verify.ts";

export function publicVerification(verification: OrderVerification) {
  const disclosed = verification.payment !== null;
  return {
    ...verification,
    ledger: disclosed ? verification.ledger : null,
    ledgerDisclosed: disclosed,
    findings: verification.findings.map((finding) => ({
      kind: finding.kind,
      severity: finding.severity,
      message: disclosed ? finding.message : kindDescriptions[finding.kind],
    })),
  };
}
