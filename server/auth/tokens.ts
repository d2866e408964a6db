import { createHash, randomBytes } from "node:crypto";

/** A random url-safe token with `bytes` of entropy. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString("base64url");

export const sha256 = (value: string | Buffer) => createHash("sha256").update(value).digest();

/**
 * Housekeeping run at most once per `intervalMs` for each `owner` (a database handle): the
 * returned function runs `task` when it is due and never fails its caller (a failure is retried
 * on the next call).
 */
export function throttled<T extends object>(task: (owner: T) => Promise<unknown>, intervalMs: number) {
  const lastRun = new WeakMap<T, number>();
  return async function runIfDue(owner: T, now = Date.now()): Promise<void> {
    const last = lastRun.get(owner);
    if (last !== undefined && now - last < intervalMs) return;
    lastRun.set(owner, now);
    try {
      await task(owner);
    } catch {
      lastRun.delete(owner);
    }
  };
}
