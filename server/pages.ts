// Page requests (anything outside /api). The built app (app/dist, or APP_DIST_DIR) is served when
// it exists: hashed assets with a year's immutable cache, everything else revalidated, and every
// unknown path answered with index.html so the app's router shows it. Until the app is built, a
// short page points at the API reference.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import { fileURLToPath } from "node:url";
import { createRouter } from "./http/openapi.ts";

const defaultDist = fileURLToPath(new URL("../app/dist/", import.meta.url));
const IMMUTABLE = "public, max-age=31536000, immutable";

export function appPages(distDir = defaultDist) {
  const router = createRouter();
  const root = resolve(distDir);
  if (existsSync(`${root}/index.html`)) {
    router.use("*", async (c, next) => {
      await next();
      if (c.res.status === 200 && !c.res.headers.has("Cache-Control")) {
        c.res.headers.set("Cache-Control", c.req.path.startsWith("/assets/") ? IMMUTABLE : "no-cache");
      }
    });
    router.use("*", serveStatic({ root }));
    // A missing hashed asset is an old build's: index.html in its place would break the page.
    router.get("/assets/*", (c) => c.text("not found", 404));
    router.get("*", serveStatic({ root, path: "index.html" }));
    return router;
  }
  router.get("*", (c) =>
    c.html(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Refcodes</title></head>` +
        `<body><main><h1>Refcodes</h1><p>The app is not built yet (<code>npm run build:app</code>). The API reference is at <a href="/api/docs">/api/docs</a>.</p></main></body></html>`,
    ),
  );
  return router;
}
