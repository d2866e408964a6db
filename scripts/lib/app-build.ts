// Builds the browser app (vite) for a deployment, unless the last build in `outDir` was made
// from the same sources and the same deployment: a second `npm start` does not rebuild.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { deploymentPath } from "../../deployments/load.ts";
import { rootDir } from "./paths.ts";

export interface AppBuildOptions {
  network: string;
  /** Where `<network>.json` is (default deployments/). */
  deploymentsDir?: string;
  /** Default app/dist, which the server serves unless APP_DIST_DIR says otherwise. */
  outDir?: string;
}

export const defaultAppDist = join(rootDir, "app/dist");
const STAMP = ".build-stamp";

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** What the build depends on: the app's sources, the ABI, the deployment and the lock file. */
function sourceHash(options: AppBuildOptions): string {
  const hash = createHash("sha256");
  const inputs = [
    ...filesUnder(join(rootDir, "app/src")),
    ...filesUnder(join(rootDir, "app/locales")),
    join(rootDir, "app/index.html"),
    join(rootDir, "app/vite.config.ts"),
    join(rootDir, "deployments/abi.ts"),
    join(rootDir, "package-lock.json"),
    deploymentPath(options.network, options.deploymentsDir),
  ].sort();
  for (const file of inputs) {
    hash.update(relative(rootDir, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

export async function buildApp(options: AppBuildOptions): Promise<{ outDir: string; built: boolean }> {
  const outDir = options.outDir ?? defaultAppDist;
  const stamp = sourceHash(options);
  const stampFile = join(outDir, STAMP);
  if (existsSync(stampFile) && statSync(stampFile).isFile() && readFileSync(stampFile, "utf8") === stamp) {
    return { outDir, built: false };
  }
  // vite.config.ts reads these when it is loaded, once per build.
  const saved = {
    NETWORK: process.env.NETWORK,
    DEPLOYMENTS_DIR: process.env.DEPLOYMENTS_DIR,
    APP_OUT_DIR: process.env.APP_OUT_DIR,
  };
  Object.assign(process.env, { NETWORK: options.network, APP_OUT_DIR: outDir });
  if (options.deploymentsDir) process.env.DEPLOYMENTS_DIR = options.deploymentsDir;
  else delete process.env.DEPLOYMENTS_DIR;
  try {
    const { build } = await import("vite");
    await build({ configFile: join(rootDir, "app/vite.config.ts"), logLevel: "warn" });
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  writeFileSync(stampFile, stamp);
  return { outDir, built: true };
}
