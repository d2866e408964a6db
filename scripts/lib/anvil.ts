import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { binDir } from "./paths.ts";

export interface Anvil {
  rpcUrl: string;
  wsUrl: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface StartAnvilOptions {
  /** Seconds between blocks; omitted means a block per transaction. */
  blockTime?: number;
  chainId?: number;
  /** Extra anvil flags. */
  args?: string[];
  timeoutMs?: number;
}

export class AnvilStartError extends Error {
  override name = "AnvilStartError";
}

const LISTENING = /Listening on 127\.0\.0\.1:(\d+)/;

/**
 * Starts anvil on a free port of 127.0.0.1 and resolves once it prints `Listening on`.
 * Port 0 lets the OS choose, so it never talks to a chain someone else already runs on 8545.
 */
export async function startAnvil(options: StartAnvilOptions = {}): Promise<Anvil> {
  const args = ["--host", "127.0.0.1", "--port", "0", ...(options.args ?? [])];
  if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));
  if (options.chainId !== undefined) args.push("--chain-id", String(options.chainId));
  const child = spawn(join(binDir, "anvil"), args, { stdio: ["ignore", "pipe", "pipe"] });

  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new AnvilStartError(`anvil did not listen within ${options.timeoutMs ?? 10_000} ms:\n${output}`));
    }, options.timeoutMs ?? 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stdout?.resume(); // keep draining so anvil never blocks on a full pipe
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new AnvilStartError(`anvil could not start: ${error.message}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new AnvilStartError(`anvil exited with code ${code} before listening:\n${output}`));
    });
  });

  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    rpcUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    port,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
