// Progress of `npm start`'s slow steps: a line when a step begins, a "still …" line every few
// seconds while it runs (with a detail such as "block 120 of 800" when the step can tell), and
// the time it took. Quiet steps (under the first interval) print only their begin and end.

export interface StepOptions<T> {
  /** The closing line; default "<label>: done in N ms". */
  done?: (result: T, ms: number) => string;
  /** What the step is at now, for the "still …" lines; undefined when it cannot tell. */
  detail?: () => Promise<string | undefined>;
  intervalMs?: number;
}

export type Log = (line: string) => void;

export async function step<T>(
  log: Log,
  label: string,
  run: () => Promise<T>,
  options: StepOptions<T> = {},
): Promise<T> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  log(`${label}...`);
  let reporting = false;
  const timer = setInterval(() => {
    if (reporting) return; // a slow detail probe must not pile up
    reporting = true;
    void (options.detail?.().catch(() => undefined) ?? Promise.resolve(undefined))
      .then((detail) => log(`  still ${label} (${Math.round(elapsed() / 1000)} s${detail ? `, ${detail}` : ""})`))
      .finally(() => (reporting = false));
  }, options.intervalMs ?? 5_000);
  try {
    const result = await run();
    log(options.done ? options.done(result, elapsed()) : `${label}: done in ${elapsed()} ms`);
    return result;
  } finally {
    clearInterval(timer);
  }
}
