// Ctrl-C in a terminal sends SIGINT to every process of the foreground process group: anvil,
// PostgreSQL and Ponder would each stop on their own, in any order, while the server still uses
// them (PostgreSQL first: the server's jobs and Ponder's shutdown then fail loudly). So `npm start`
// runs its work in a child that leads a process group of its own; this parent only forwards the
// signals, and the child stops its children in order (indexer, server, database, chain).
import { spawn } from "node:child_process";
import { constants } from "node:os";

const CHILD_FLAG = "--own-process-group";
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * In the parent: starts this same script as the group-leading child, forwards signals to it, exits
 * with its exit code, and returns true (the caller does nothing more). In the child: returns false;
 * its `process` emits "disconnect" when the parent is gone, even killed by SIGKILL.
 */
export function superviseInOwnProcessGroup(): boolean {
  if (process.argv.includes(CHILD_FLAG) || process.platform === "win32") {
    process.channel?.unref(); // the channel must not keep the child alive by itself
    return false;
  }
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1), CHILD_FLAG], {
    detached: true,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  for (const signal of FORWARDED) process.on(signal, () => child.kill(signal));
  child.once("exit", (code, signal) => {
    process.exit(code ?? 128 + (signal ? constants.signals[signal] : 1));
  });
  return true;
}

/** The child is the leader of its process group: this also reaches grandchildren that are not
 *  tracked yet (a database or indexer still starting when Ctrl-C came). */
export function signalOwnProcessGroup(signal: NodeJS.Signals): void {
  if (!process.argv.includes(CHILD_FLAG)) return;
  try {
    process.kill(-process.pid, signal);
  } catch {
    // no such group: nothing left to signal
  }
}
