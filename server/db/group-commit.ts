// Group commit: callers submit one item each and wait for the batch holding it to be written. A
// batch goes out when it is full or `flushMs` after its first item, with at most `maxInFlight`
// batches being written at once (each on its own connection). One durable commit then serves many
// requests, which is what makes a write path fast on a small machine.

export class GroupCommitUnavailableError extends Error {
  override name = "GroupCommitUnavailableError";
  readonly reason: "overloaded" | "closed";
  constructor(reason: "overloaded" | "closed", message: string) {
    super(message);
    this.reason = reason;
  }
}

export interface GroupCommitOptions<T, R> {
  /** Writes a batch; returns one result per item, in order. A throw fails every item of it. */
  flush(items: T[]): Promise<R[]>;
  flushMs: number;
  maxBatch: number;
  maxInFlight: number;
  /** Items waiting (not yet being written) beyond which new ones are refused. */
  maxPending?: number;
  /** Items with the same key in the open batch are one item: they share its promise. */
  keyOf?: (item: T) => string;
  /** The error an item is refused with (default GroupCommitUnavailableError). */
  refusal?: (reason: "overloaded" | "closed") => Error;
}

export interface GroupCommit<T, R> {
  submit(item: T): Promise<R>;
  /** Writes what is buffered, waits for every flush, and refuses items from then on. */
  close(): Promise<void>;
}

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export function createGroupCommit<T, R>(options: GroupCommitOptions<T, R>): GroupCommit<T, R> {
  const { flushMs, maxBatch, maxInFlight } = options;
  const maxPending = options.maxPending ?? Math.max(maxBatch * 8, 10_000);
  let open: Waiting<T, R>[] = [];
  /** The promises of the open batch's items, by key (with `keyOf`). */
  let openKeys = new Map<string, Promise<R>>();
  let openDue = false;
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  const full: Waiting<T, R>[][] = [];
  let pending = 0;
  const flights = new Set<Promise<void>>();
  let closed = false;
  const refuse = (reason: "overloaded" | "closed") =>
    Promise.reject(
      options.refusal?.(reason) ??
        new GroupCommitUnavailableError(
          reason,
          reason === "closed" ? "the server is shutting down" : "too many requests are waiting to be written",
        ),
    );

  function cancelTimer() {
    if (timer === undefined) return;
    if (flushMs === 0) clearImmediate(timer as NodeJS.Immediate);
    else clearTimeout(timer as NodeJS.Timeout);
    timer = undefined;
  }

  function pump() {
    while (flights.size < maxInFlight) {
      let batch = full.shift();
      if (!batch && open.length > 0 && openDue) {
        batch = open;
        open = [];
        openKeys = new Map();
        openDue = false;
      }
      if (!batch) return;
      pending -= batch.length;
      const flight = write(batch);
      flights.add(flight);
      void flight.finally(() => {
        flights.delete(flight);
        pump();
      });
    }
  }

  async function write(batch: Waiting<T, R>[]): Promise<void> {
    try {
      const results = await options.flush(batch.map((waiting) => waiting.item));
      batch.forEach((waiting, i) => waiting.resolve(results[i]!));
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }

  return {
    submit(item) {
      if (closed) return refuse("closed");
      const key = options.keyOf?.(item);
      const same = key === undefined ? undefined : openKeys.get(key);
      if (same) return same;
      if (pending >= maxPending) return refuse("overloaded");
      const promise = new Promise<R>((resolve, reject) => {
        open.push({ item, resolve, reject });
      });
      if (key !== undefined) openKeys.set(key, promise);
      pending++;
      if (open.length >= maxBatch) {
        cancelTimer();
        full.push(open);
        open = [];
        openKeys = new Map();
        openDue = false;
        pump();
      } else if (open.length === 1) {
        const due = () => {
          timer = undefined;
          openDue = true;
          pump();
        };
        timer = flushMs === 0 ? setImmediate(due) : setTimeout(due, flushMs);
      }
      return promise;
    },
    async close() {
      closed = true;
      cancelTimer();
      openDue = true;
      pump();
      while (flights.size > 0) await Promise.allSettled([...flights]);
    },
  };
}
