import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "./paths.ts";

/** Written by `npm run chain` / `npm start` so `npm run deploy:local` finds the running anvil. */
export interface LocalChain {
  rpcUrl: string;
  wsUrl: string;
  pid: number;
}

const chainFile = join(dataDir, "chain.json");

export function writeLocalChain(chain: LocalChain): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(chainFile, `${JSON.stringify(chain, null, 2)}\n`);
}

export function clearLocalChain(pid: number): void {
  if (readLocalChain()?.pid === pid) rmSync(chainFile, { force: true });
}

/** The running local chain, if its process is still alive. */
export function readLocalChain(): LocalChain | undefined {
  if (!existsSync(chainFile)) return undefined;
  const chain = JSON.parse(readFileSync(chainFile, "utf8")) as LocalChain;
  try {
    process.kill(chain.pid, 0);
    return chain;
  } catch {
    return undefined;
  }
}
