// Writes reward events into the outbox, inside the caller's transaction: an event exists exactly
// when the change it reports committed. Deliveries to the subscribed endpoints are created in the
// same statement pair, so a crash can never leave an event no dispatcher will send.
import type { Tx } from "../db/client.ts";
import { named, runNamed } from "../db/named.ts";
import type { hostEventTypes } from "../db/schema.ts";
import type { RewardRow } from "../rewards/ledger/transition.ts";

export type HostEventType = (typeof hostEventTypes)[number];

export interface HostEventInput {
  type: HostEventType;
  reward: RewardRow;
  /** What makes this event unique; the reward id unless a reward can have several (clawbacks). */
  subject?: string;
  /** Event-specific fields added to the reward's. */
  details?: Record<string, unknown>;
}

/** The reward as hosts see it: amounts as strings (wei and minor units never lose precision). */
export function rewardEventData(reward: RewardRow) {
  return {
    rewardId: reward.id,
    orderReference: reward.orderReference,
    orderRef: reward.orderRef,
    kind: reward.kind,
    state: reward.state,
    referralCode: reward.referralCode,
    referrer: { userId: reward.referrerUserId, wallet: reward.referrerWallet },
    refereeUserId: reward.refereeUserId,
    currency: reward.currency,
    baseAmountMinor: reward.baseAmountMinor,
    refundedMinor: reward.refundedMinor,
    rewardMinor: reward.rewardMinor,
    rail: reward.rail,
    token: reward.token,
    chainId: reward.chainId,
    tokenAmount: reward.tokenAmount,
    txHash: reward.txHash,
    blockNumber: reward.blockNumber,
    mintedAt: reward.mintedAt?.toISOString() ?? null,
  };
}

/** Which event a state change is, if any: re-entering a state (a retry) is not a new event. */
export function hostEventTypeForState(state: RewardRow["state"]): HostEventType | undefined {
  switch (state) {
    case "approved":
      return "reward.approved";
    case "minted":
      return "reward.paid";
    case "cancelled":
    case "rejected":
      return "reward.cancelled";
    default:
      return undefined;
  }
}

/** One named statement (the callers are transactions on the webhooks' and the minter's hot paths,
 *  so it is parsed and planned once per connection): the events, and a delivery for each active
 *  endpoint subscribed to its type. */
const insertEventsAndDeliveries = named(
  "host-events-record",
  `with inserted as (
     insert into host_events (key, type, reward_id, payload)
     select key, type, reward_id, payload
     from jsonb_to_recordset($1::jsonb) as event(key text, type text, reward_id uuid, payload jsonb)
     on conflict (key) do nothing
     returning id, type)
   insert into event_deliveries (event_id, endpoint_id)
   select inserted.id, endpoint.id
   from inserted
   join event_endpoints endpoint
     on endpoint.active and (cardinality(endpoint.event_types) = 0 or inserted.type = any(endpoint.event_types))
   on conflict do nothing`,
);

export async function recordHostEvents(tx: Tx, events: readonly HostEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((event) => ({
    key: `${event.type}:${event.subject ?? event.reward.id}`,
    type: event.type,
    reward_id: event.reward.id,
    payload: { ...rewardEventData(event.reward), ...event.details },
  }));
  await runNamed(tx, insertEventsAndDeliveries, [JSON.stringify(rows)]);
}
