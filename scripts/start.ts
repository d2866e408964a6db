// `npm start`: the whole system on embedded defaults. A local anvil on a free port (unless RPC_URL
// is set) whose state persists in .data/anvil; the contracts deployed when the chain has none of
// ours; the app built for that deployment (unless up to date); an embedded PostgreSQL with its data
// in .data/postgres (unless DATABASE_URL is set) and the server with its migrations applied; then
// the Ponder indexer on the same database. Each step shows its progress, readiness is polled, and
// the URLs and local test accounts are printed. Ctrl-C stops everything this script started, in
// order; a second start reuses the chain, the database and the indexer's schema.
//
// Settings: PORT (8787), INDEXER_PORT (42069; 0 = any free port), REFCODES_DATA_DIR (.data/),
// DEPLOYMENTS_DIR (deployments/), NETWORK (local), and the server's own variables.
import { signalOwnProcessGroup, superviseInOwnProcessGroup } from "./lib/start/process-group.ts";

if (!superviseInOwnProcessGroup()) await run();

async function run() {
  // Loaded only here: the supervising parent needs none of it.
  const { LocalSystem, StartAborted } = await import("./lib/start/system.ts");
  const { startSummary } = await import("./lib/start/summary.ts");
  const log = (line: string) => console.log(line);
  const system = new LocalSystem(log);

  let stopping: Promise<void> | undefined;
  let sweeping = false;
  const stop = (code: number) =>
    (stopping ??= (async () => {
      await system.stop();
      // Whatever was still starting (a database, an indexer) is in this process group too.
      sweeping = true;
      signalOwnProcessGroup("SIGTERM");
      if (code === 0) log("stopped; the chain and the database are kept for the next npm start");
      process.exit(code);
    })());

  const onSignal = (signal: NodeJS.Signals) => {
    if (sweeping && signal === "SIGTERM") return; // our own sweep
    if (stopping && signal === "SIGINT") {
      log("second Ctrl-C: killing everything now");
      signalOwnProcessGroup("SIGKILL");
      process.exit(130);
    }
    if (!stopping) log(`\n${signal === "SIGINT" ? "Ctrl-C" : signal}: stopping...`);
    void stop(0);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);
  process.once("disconnect", () => void stop(0)); // the supervising parent is gone

  try {
    const running = await system.start();
    console.log(startSummary(running));
  } catch (error) {
    if (error instanceof StartAborted) return;
    console.error(`npm start failed: ${(error as Error).message}`);
    await stop(1);
  }
}
