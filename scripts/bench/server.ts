// The server under load in `npm run bench:api` and `bench:webhooks`, in a process of its own: the
// real startServer, configured by the environment like any deployment, plus the visit beacon's
// baseline route when BENCH_SERVER_BASELINE=1. With BENCH_SERVER_WORKERS=n > 1 it runs n cluster
// workers sharing the port, each with its own pool. Prints `READY <url>` once listening; SIGTERM,
// or the end of stdin (the benchmark is gone), stops it (buffered work is written).
import cluster from "node:cluster";
import { loadDeployment } from "../../deployments/load.ts";
import { loadConfig } from "../../server/config.ts";
import { startServer } from "../../server/server.ts";
import { installBaseline } from "./api-baseline.ts";

const workers = Number(process.env.BENCH_SERVER_WORKERS ?? 1);
const deploymentDir = process.env.BENCH_DEPLOYMENT_DIR;
if (!deploymentDir) throw new Error("BENCH_DEPLOYMENT_DIR: the directory of bench.json");

async function serve(): Promise<string> {
  const running = await startServer(loadConfig(), { deployment: loadDeployment("bench", deploymentDir) });
  if (process.env.BENCH_SERVER_BASELINE === "1") installBaseline(running.app.app, running.deps, running.app.codes);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void running.stop().finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  if (!cluster.isWorker) process.stdin.on("end", stop).resume();
  return running.url;
}

if (workers > 1 && cluster.isPrimary) {
  const ready: string[] = [];
  for (let i = 0; i < workers; i++) {
    cluster.fork().on("message", (message: { url?: string }) => {
      if (message.url && ready.push(message.url) === workers) console.log(`READY ${ready[0]}`);
    });
  }
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
  };
  process.on("SIGTERM", stop);
  process.stdin.on("end", stop).resume();
  cluster.on("exit", () => {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
} else if (cluster.isWorker) {
  process.send!({ url: await serve() });
} else {
  console.log(`READY ${await serve()}`);
}
