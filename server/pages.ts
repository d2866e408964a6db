// Page requests (anything outside /api). The built app (app/dist) is served when it exists;
// until then a short page points at the API reference.
import { existsSync } from "node:fs";
import { serveStatic } from "@hono/node-server/serve-static";
import { fileURLToPath } from "node:url";
import { createRouter } from "./http/openapi.ts";

const appDist = fileURLToPath(new URL("../app/dist/", import.meta.url));

export function appPages() {
  const router = createRouter();
  if (existsSync(appDist)) {
    router.use("*", serveStatic({ root: appDist }));
    router.get("*", serveStatic({ root: appDist, path: "index.html" }));
    return router;
  }
  router.get("*", (c) =>
    c.html(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Refcodes</title></head>` +
        `<body><main><h1>Refcodes</h1><p>The app is not built yet. The API reference is at <a href="/api/docs">/api/docs</a>.</p></main></body></html>`,
    ),
  );
  return router;
}
