// The app's build. The deployment it talks to is read here, at build time, from
// deployments/<NETWORK>.json (DEPLOYMENTS_DIR), so no address is typed into the app and the
// auditor page does not have to trust the server for which contract to read.
//   NETWORK          deployment to build for (default local)
//   DEPLOYMENTS_DIR  where <network>.json lives (default deployments/)
//   APP_OUT_DIR      where the build goes (default app/dist; the server's APP_DIST_DIR)
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { loadDeployment } from "../deployments/load.ts";

/** `npm run dev:app`: the API it proxies to (a running `npm start`). */
const apiOrigin = process.env.API_ORIGIN || "http://127.0.0.1:8787";
const VIRTUAL_ID = "virtual:refcodes-deployment";

function deploymentModule(): Plugin {
  return {
    name: "refcodes-deployment",
    resolveId: (id) => (id === VIRTUAL_ID ? `\0${VIRTUAL_ID}` : undefined),
    load(id) {
      if (id !== `\0${VIRTUAL_ID}`) return undefined;
      const deployment = loadDeployment(process.env.NETWORK || "local", process.env.DEPLOYMENTS_DIR || undefined);
      const { network, chainId, proxy, token, mode, startBlock } = deployment;
      return `export default ${JSON.stringify({ network, chainId, proxy, token, mode, startBlock })};`;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react(), deploymentModule()],
  build: {
    outDir: process.env.APP_OUT_DIR || fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // bench:app reads the landing route's initial chunks from it.
    manifest: true,
    // WalletConnect's SDK (~175 kB gzipped) is one lazy chunk, loaded only when configured.
    chunkSizeWarningLimit: 700,
  },
  server: { host: "127.0.0.1", proxy: { "/api": apiOrigin, "/graphql": apiOrigin } },
});
