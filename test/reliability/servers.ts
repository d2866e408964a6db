// Server replicas as real processes (test/reliability/server-process.ts, i.e. server/main.ts with
// the drill's deployment): each keeps its port across restarts, so clients and the recorded
// answers keep one URL per replica, and each can be SIGKILLed like a crashed host.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { freePort } from "../../scripts/lib/indexer.ts";

const entry = fileURLToPath(new URL("./server-process.ts", import.meta.url));

export interface ServerReplica {
  name: string;
  url: string;
  /** Running (started and not exited). */
  isUp(): boolean;
  start(): Promise<void>;
  /** SIGKILL: no shutdown, no clean-up; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait (a graceful stop). */
  stop(): Promise<void>;
  /** The last lines it printed (for a failure's message). */
  output(): string;
  /** Exits nobody asked for (a crash), with the lines printed before. */
  crashes(): string[];
}

export async function serverReplica(name: string, env: Record<string, string>): Promise<ServerReplica> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const lines: string[] = [];
  let child: ChildProcess | undefined;
  let stopping = false;
  const crashes: string[] = [];
  let exited: Promise<unknown> = Promise.resolve();

  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > 100) lines.shift();
    }
  };

  const start = async () => {
    if (child) throw new Error(`${name} is running already`);
    const started = spawn(process.execPath, [entry], {
      env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = started;
    stopping = false;
    exited = once(started, "exit").then(([code, signal]) => {
      if (child === started) child = undefined;
      if (!stopping) crashes.push(`${name} exited (${signal ?? code}):\n${lines.slice(-40).join("\n")}`);
    });
    started.stderr!.on("data", remember);
    const listening = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        remember(chunk);
        if (chunk.toString().includes(`listening ${url}`)) resolve();
      };
      started.stdout!.on("data", onData);
      started.once("exit", (code, signal) =>
        reject(new Error(`${name} exited (${signal ?? code}) before listening:\n${lines.slice(-30).join("\n")}`)),
      );
    });
    const timeout = setTimeout(() => started.kill("SIGKILL"), 30_000);
    try {
      await listening;
    } finally {
      clearTimeout(timeout);
    }
  };

  const signal = async (kind: NodeJS.Signals) => {
    const running = child;
    if (!running) return;
    stopping = true;
    running.kill(kind);
    await exited;
  };

  return {
    name,
    url,
    isUp: () => child !== undefined,
    start,
    kill: () => signal("SIGKILL"),
    async stop() {
      const running = child;
      if (!running) return;
      const timer = setTimeout(() => running.kill("SIGKILL"), 10_000);
      await signal("SIGTERM");
      clearTimeout(timer);
    },
    output: () => lines.join("\n"),
    crashes: () => [...crashes],
  };
}
