// `npm start` as a newcomer runs it, in a process group of its own as a terminal's foreground job
// is (so "Ctrl-C" is SIGINT to the whole group), with its state in temp dirs and on free ports so
// it never meets a developer's own `npm start`: REFCODES_DATA_DIR, DEPLOYMENTS_DIR and APP_DIST_DIR
// point into one temp dir; PORT is a free port and INDEXER_PORT 0.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Address, Hex } from "viem";
import { freePort } from "../../scripts/lib/indexer.ts";
import { rootDir } from "../../scripts/lib/paths.ts";

/** Settings a developer's shell may carry that would point the newcomer's start elsewhere. */
const INHERITED_SETTINGS = [
  "RPC_URL",
  "DATABASE_URL",
  "NETWORK",
  "PUBLIC_URL",
  "PORT",
  "INDEXER_PORT",
  "INDEXER_SCHEMA",
  "INDEXER_VIEWS_SCHEMA",
  "INDEXER_PUBLIC_URL",
  "ADMIN_WALLETS",
  "DEPLOYER_PRIVATE_KEY",
  "REFERRAL_MINTER_PRIVATE_KEY",
  "REFERRAL_OPERATOR_ADDRESS",
  "REFERRAL_ADMIN_ADDRESS",
  "WAYFORPAY_MERCHANT_ACCOUNT",
  "WAYFORPAY_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "CRON_SECRET",
  "MINT_INTERVAL_SECONDS",
];

export interface PrintedAccount {
  name: string;
  index: number;
  address: Address;
  privateKey: Hex;
}

export interface NpmStart {
  dataDir: string;
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the output once "Ctrl-C stops everything" is printed. */
  running: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ctrl-C: SIGINT to the process group. */
  interrupt(): void;
  /** Kills what is left (after a failure) and removes the temp dir. */
  cleanup(): void;
}

export async function npmStart(env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<NpmStart> {
  const dataDir = mkdtempSync(join(tmpdir(), "refcodes-newcomer-"));
  chmodSync(dataDir, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must enter it
  mkdirSync(join(dataDir, "deployments"));
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of INHERITED_SETTINGS) delete childEnv[name];
  Object.assign(childEnv, {
    REFCODES_DATA_DIR: join(dataDir, "state"),
    DEPLOYMENTS_DIR: join(dataDir, "deployments"),
    APP_DIST_DIR: join(dataDir, "app"),
    PORT: String(await freePort()),
    INDEXER_PORT: "0",
    ...env,
  });
  const child = spawn("npm", ["start"], {
    cwd: rootDir,
    env: childEnv,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve) => child.once("close", (code, signal) => resolve({ code, signal })), // after the last output
  );
  const running = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start did not come up in ${options.timeoutMs ?? 120_000} ms:\n${output}`)),
      options.timeoutMs ?? 120_000,
    );
    const poll = setInterval(() => {
      if (output.includes("Ctrl-C stops everything")) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(output);
      }
    }, 50);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`npm start exited with ${code} before it was up:\n${output}`));
    });
  });
  running.catch(() => {}); // observed by the test; never an unhandled rejection here
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone
    }
  };
  return {
    dataDir,
    child,
    output: () => output,
    running,
    exited,
    interrupt: () => signalGroup("SIGINT"),
    cleanup() {
      signalGroup("SIGKILL");
      for (const line of processesMatching((commandLine) => commandLine.includes(dataDir))) {
        try {
          process.kill(Number.parseInt(line, 10), "SIGKILL");
        } catch {
          // gone already
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A value of the printed summary, e.g. "  ReferralRewards   0x…". */
export function printedField(output: string, label: string): string {
  const value = new RegExp(`^\\s+${label}\\s+((?:0x|http)\\S+)`, "m").exec(output)?.[1];
  if (!value) throw new Error(`npm start printed no "${label}":\n${output}`);
  return value;
}

/** The test accounts block: "  alice     #2  0x…  0x…  note". */
export function printedAccounts(output: string): Map<string, PrintedAccount> {
  const accounts = new Map<string, PrintedAccount>();
  for (const match of output.matchAll(/^\s+(\w+)\s+#(\d+)\s+(0x[0-9a-fA-F]{40})\s+(0x[0-9a-f]{64})\b/gm)) {
    accounts.set(match[1]!, {
      name: match[1]!,
      index: Number(match[2]),
      address: match[3] as Address,
      privateKey: match[4] as Hex,
    });
  }
  return accounts;
}

/** Processes whose command line `matches` (anvil's state file, PostgreSQL's data directory, the
 *  indexer's port), other than this one and `ps` itself. */
export function processesMatching(matches: (commandLine: string) => boolean): string[] {
  const table = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return table
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && matches(line) && !line.includes("ps -eo") && Number.parseInt(line, 10) !== process.pid);
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
