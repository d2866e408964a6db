import { fileURLToPath } from "node:url";

/** The repository root, whatever the caller's working directory. */
export const rootDir = fileURLToPath(new URL("../../", import.meta.url));

export const binDir = fileURLToPath(new URL("../../node_modules/.bin/", import.meta.url));
export const artifactsDir = fileURLToPath(new URL("../../artifacts/", import.meta.url));
export const deploymentsDir = fileURLToPath(new URL("../../deployments/", import.meta.url));
/** Local state: the anvil chain (and, later, the embedded database). */
export const dataDir = process.env.REFCODES_DATA_DIR ?? fileURLToPath(new URL("../../.data/", import.meta.url));
