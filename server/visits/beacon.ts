// The visit beacon's group commit. Requests add their visit to the open batch and wait for that
// batch's commit: a visit is acknowledged only once it is stored. A batch is written when it is
// full or BEACON_FLUSH_MS after its first visit, by one statement that inserts the (code, day,
// visitor) rows, ignoring the ones already there, and adds the rows actually inserted to the
// daily buckets. Nothing is ever read and written back, so concurrent flushes (up to
// BEACON_MAX_IN_FLIGHT, each on its own connection) cannot lose a visit.
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

interface Batch {
  codeIds: string[];
  days: string[];
  visitors: string[];
  /** codeId + day + visitor of the rows above: duplicates within a batch are sent once. */
  seen: Set<string>;
  /** Settles when the batch is committed or failed; every request in it waits on this. */
  done: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
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

export function createVisitBeacon(deps: AppDeps, options: BeaconOptions = {}): VisitBeacon {
  const { pool } = deps.database;
  const { beaconBatchSize, beaconVisitsStored } = deps.metrics;
  const flushMs = options.flushMs ?? deps.config.beaconFlushMs;
  const maxBatch = options.maxBatch ?? deps.config.beaconMaxBatch;
  const maxInFlight = options.maxInFlight ?? deps.config.beaconMaxInFlight;
  const maxPending = options.maxPending ?? Math.max(maxBatch * 8, 10_000);

  let open: Batch | undefined;
  /** The open batch's flush delay has passed: it goes out as soon as a flight is free. */
  let openDue = false;
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  const full: Batch[] = [];
  let pending = 0;
  const flights = new Set<Promise<void>>();
  let closed = false;

  function newBatch(): Batch {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { codeIds: [], days: [], visitors: [], seen: new Set(), done, resolve, reject };
  }

  function cancelTimer() {
    if (timer === undefined) return;
    if (flushMs === 0) clearImmediate(timer as NodeJS.Immediate);
    else clearTimeout(timer as NodeJS.Timeout);
    timer = undefined;
  }

  function onTimer() {
    timer = undefined;
    openDue = true;
    pump();
  }

  function pump() {
    while (flights.size < maxInFlight) {
      let batch = full.shift();
      if (!batch && open && openDue) {
        batch = open;
        open = undefined;
        openDue = false;
      }
      if (!batch) return;
      pending -= batch.codeIds.length;
      const flight = flush(batch);
      flights.add(flight);
      void flight.finally(() => {
        flights.delete(flight);
        pump();
      });
    }
  }

  async function flush(batch: Batch): Promise<void> {
    const size = batch.codeIds.length;
    try {
      // Array literals built here: every element is a uuid, a date or hex (checked in record),
      // so none needs quoting, and pg's per-element escaping is skipped.
      const values = [`{${batch.codeIds.join(",")}}`, `{${batch.days.join(",")}}`, `{${batch.visitors.join(",")}}`];
      await pool.query({ name: "refcodes.beacon.flush", text: FLUSH_SQL, values });
      beaconBatchSize.observe(size);
      beaconVisitsStored.inc(size);
      batch.resolve();
    } catch (error) {
      deps.logger.error({ err: error, visits: size }, "visit beacon: a batch was not stored");
      batch.reject(
        new BeaconUnavailableError("database", "the visit was not stored: the database is unavailable", {
          cause: error,
        }),
      );
    }
  }

  return {
    now: options.now ?? Date.now,
    record(codeId, day, visitor) {
      // One malformed visit would fail the whole batch: refuse it alone.
      if (!UUID.test(codeId) || !DAY.test(day) || !VISITOR.test(visitor)) {
        return Promise.reject(new TypeError(`not a visit: ${JSON.stringify({ codeId, day, visitor })}`));
      }
      if (closed) return Promise.reject(new BeaconUnavailableError("closed", "the server is shutting down"));
      if (pending >= maxPending) {
        return Promise.reject(new BeaconUnavailableError("overloaded", "too many visits are waiting to be stored"));
      }
      const batch = (open ??= newBatch());
      const key = codeId + day + visitor;
      if (!batch.seen.has(key)) {
        batch.seen.add(key);
        batch.codeIds.push(codeId);
        batch.days.push(day);
        batch.visitors.push(visitor);
        pending++;
        if (batch.codeIds.length >= maxBatch) {
          cancelTimer();
          full.push(batch);
          open = undefined;
          openDue = false;
          pump();
        } else if (batch.codeIds.length === 1) {
          timer = flushMs === 0 ? setImmediate(onTimer) : setTimeout(onTimer, flushMs);
        }
      }
      return batch.done;
    },
    async close() {
      closed = true;
      cancelTimer();
      openDue = true;
      pump();
      while (flights.size > 0) {
        await Promise.allSettled([...flights]);
      }
    },
  };
}
