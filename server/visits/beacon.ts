// The visit beacon's group commit. Requests add their visit to the open batch and wait for that
// batch's commit: a visit is acknowledged only once it is stored. A batch is written when it is
// full or BEACON_FLUSH_MS after its first visit, by one statement that inserts the (code, day,
// visitor) rows, ignoring the ones already there, and adds the rows actually inserted to the
// daily buckets. Nothing is ever read and written back, so concurrent flushes (up to
// BEACON_MAX_IN_FLIGHT, each on its own connection) cannot lose a visit.
import { createGroupCommit } from "../db/group-commit.ts";
import type { AppDeps } from "../deps.ts";

/** Rows are inserted in key order so that two flushes never wait on each other in a cycle. */
const FLUSH_SQL = `
with fresh as (
  insert into refcode_visitors (code_id, day, visitor)
  select code_id, day, decode(visitor, 'hex')
  from unnest($1::uuid[], $2::date[], $3::text[]) as batch (code_id, day, visitor)
  order by 1, 2, 3
  on conflict do nothing
  returning code_id, day
)
insert into refcode_visit_days (code_id, day, visits)
select code_id, day, count(*)::int from fresh group by 1, 2 order by 1, 2
on conflict (code_id, day) do update set visits = refcode_visit_days.visits + excluded.visits`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const VISITOR = /^[0-9a-f]{32}$/;

/** The visit was not stored; the client may retry. */
export class BeaconUnavailableError extends Error {
  override name = "BeaconUnavailableError";
  readonly reason: "database" | "overloaded" | "closed";
  constructor(reason: "database" | "overloaded" | "closed", message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

export interface VisitBeacon {
  /**
   * Stores one visit: resolves once the batch holding it has committed (a duplicate counts as
   * stored), rejects with BeaconUnavailableError when it was not stored.
   */
  record(codeId: string, day: string, visitor: string): Promise<void>;
  /** The clock (ms since the epoch) deciding the UTC day of a visit; tests move it. */
  now: () => number;
  /** Writes what is buffered, waits for every flush and refuses visits from then on. */
  close(): Promise<void>;
}

export interface BeaconOptions {
  flushMs?: number;
  maxBatch?: number;
  maxInFlight?: number;
  /** Visits buffered (not yet being written) beyond which new ones are refused with 503. */
  maxPending?: number;
  now?: () => number;
}

interface Visit {
  codeId: string;
  day: string;
  visitor: string;
}

export function createVisitBeacon(deps: AppDeps, options: BeaconOptions = {}): VisitBeacon {
  const { pool } = deps.database;
  const { beaconBatchSize, beaconVisitsStored } = deps.metrics;
  const maxBatch = options.maxBatch ?? deps.config.beaconMaxBatch;

  async function flush(visits: Visit[]): Promise<void[]> {
    try {
      // Array literals built here: every element is a uuid, a date or hex (checked in record),
      // so none needs quoting, and pg's per-element escaping is skipped.
      const column = (pick: (visit: Visit) => string) => `{${visits.map(pick).join(",")}}`;
      const values = [column((v) => v.codeId), column((v) => v.day), column((v) => v.visitor)];
      await pool.query({ name: "refcodes.beacon.flush", text: FLUSH_SQL, values });
      beaconBatchSize.observe(visits.length);
      beaconVisitsStored.inc(visits.length);
      return visits.map(() => undefined);
    } catch (error) {
      deps.logger.error({ err: error, visits: visits.length }, "visit beacon: a batch was not stored");
      throw new BeaconUnavailableError("database", "the visit was not stored: the database is unavailable", {
        cause: error,
      });
    }
  }

  // A duplicate visit in the open batch is the same item: it waits on the same commit.
  const group = createGroupCommit<Visit, void>({
    flush,
    flushMs: options.flushMs ?? deps.config.beaconFlushMs,
    maxBatch,
    maxInFlight: options.maxInFlight ?? deps.config.beaconMaxInFlight,
    maxPending: options.maxPending ?? Math.max(maxBatch * 8, 10_000),
    keyOf: (visit) => visit.codeId + visit.day + visit.visitor,
    refusal: (reason) =>
      new BeaconUnavailableError(
        reason,
        reason === "closed" ? "the server is shutting down" : "too many visits are waiting to be stored",
      ),
  });

  return {
    now: options.now ?? Date.now,
    record(codeId, day, visitor) {
      // One malformed visit would fail the whole batch: refuse it alone.
      if (!UUID.test(codeId) || !DAY.test(day) || !VISITOR.test(visitor)) {
        return Promise.reject(new TypeError(`not a visit: ${JSON.stringify({ codeId, day, visitor })}`));
      }
      return group.submit({ codeId, day, visitor });
    },
    close: () => group.close(),
  };
}
