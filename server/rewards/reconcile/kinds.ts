// What a reconciliation can find. Mismatches fail the audit (exit 1, `ok: false`); warnings are
// shown but do not, because money and ledger still agree on who was paid how much.

const mismatchKinds = [
  "minted_not_paid",
  "paid_terms_differ",
  "paid_not_minted",
  "paid_without_ledger_row",
  "paid_more_than_once",
  "order_ref_mismatch",
] as const;

const warningKinds = ["in_flight", "ledger_tx_differs", "event_not_found"] as const;

type MismatchKind = (typeof mismatchKinds)[number];
type WarningKind = (typeof warningKinds)[number];
export type FindingKind = MismatchKind | WarningKind;

export const findingKinds = [...mismatchKinds, ...warningKinds] as const;

export const isMismatch = (kind: FindingKind): kind is MismatchKind =>
  (mismatchKinds as readonly string[]).includes(kind);

/** One line per kind, for the CLI's legend and the API reference. */
export const kindDescriptions: Record<FindingKind, string> = {
  minted_not_paid: "the ledger says minted, but paymentOf(orderRef) is empty on-chain",
  paid_terms_differ: "paid on-chain to another referrer or another amount than the ledger row says",
  paid_not_minted:
    "paid on-chain, but the ledger row is pending_approval, approved, failed, rejected, cancelled or offset, " +
    "or has been minting for longer than the grace period",
  paid_without_ledger_row: "a ReferralPaid payment whose orderRef has no ledger row for this deployment's chain",
  paid_more_than_once: "more than one ReferralPaid event for one orderRef (the contract should make this impossible)",
  order_ref_mismatch: "the row's order_ref is not keccak256(order_reference)",
  in_flight: "minting and already paid on-chain, within the grace period: the minter will mark it minted",
  ledger_tx_differs: "minted with the right terms, but the ledger's tx hash or block is not the ReferralPaid event's",
  event_not_found:
    "paymentOf shows the payment but no ReferralPaid event was found from the deployment's start block (is startBlock right?)",
};
