// `npm run bench:app`: what the landing page costs a first-time visitor, on this machine.
//
// The app is built with buildApp for a fresh local stack (test/app/stack.ts: anvil with the
// contracts in MINT mode, the server serving that build on a free port, a fresh PostgreSQL, the
// indexer), then:
// 1. landing_js_gz_kb: the JavaScript the landing route `/` needs before it can render, gzipped
//    (level 9, as vite reports it), in KiB. Read from the emitted build, not guessed: the entry
//    chunk of index.html plus every chunk it imports statically (followed through the chunks'
//    ASTs, vite's own parser), plus the LandingPage chunk the router imports for `/` and its
//    static imports, plus the English `common` and `landing` locale chunks the app loads at start.
//    For comparison the scripts Chromium really fetched on a load of `/` are summed too (detail).
// 2. lcp_ms: Largest Contentful Paint of `/` in headless Chromium (the PerformanceObserver entry
//    'largest-contentful-paint', read once the page is idle), median of BENCH_APP_RUNS cold loads
//    (default 7), each in a new browser context (empty cache and storage), after one warm-up load
//    that is not counted.
//
// Writes bench/results/app.json (or $BENCH_RESULTS_DIR/app.json) as
// {"landing_js_gz_kb", "lcp_ms", "targets", "detail"} and exits 1 naming a missed target
// (landing_js_gz_kb <= 250, lcp_ms <= 1000). Everything it started is stopped at the end.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { parseAst } from "vite";
import { launchBrowser } from "../../test/app/browser.ts";
import { startAppStack } from "../../test/app/stack.ts";
import { machine, runBench, writeResults } from "./common.ts";

const runs = Number(process.env.BENCH_APP_RUNS ?? 7);
if (!Number.isInteger(runs) || runs < 1) throw new Error("BENCH_APP_RUNS must be a positive integer");
const targets = { landingJsGzKb: 250, lcpMs: 1000 };
const LOCALE_MODULES = ["common", "landing"];

const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

interface ChunkImports {
  static: string[];
  dynamic: string[];
  /** Dynamic imports that are an import.meta.glob entry: glob key (e.g. ../../locales/en/common.json) → file. */
  globbed: Map<string, string>;
}

type Node = { type: string; [key: string]: unknown };

/** The imports of a built chunk (paths relative to the app's root, e.g. assets/x.js). */
function chunkImports(appDir: string, file: string): ChunkImports {
  const code = readFileSync(join(appDir, file), "utf8");
  const ast = parseAst(code) as unknown as Node;
  const dir = file.slice(0, file.lastIndexOf("/") + 1);
  const resolve = (specifier: string) =>
    specifier.startsWith("/") ? specifier.slice(1) : new URL(specifier, `http://x/${dir}`).pathname.slice(1);
  const result: ChunkImports = { static: [], dynamic: [], globbed: new Map() };
  const literal = (node: unknown) =>
    node && (node as Node).type === "Literal" && typeof (node as Node).value === "string"
      ? ((node as Node).value as string)
      : undefined;
  const dynamicIn = (node: unknown): string | undefined => {
    let found: string | undefined;
    walk(node, (inner) => {
      if (!found && inner.type === "ImportExpression") found = literal(inner.source);
    });
    return found;
  };
  walk(ast, (node) => {
    if (
      (node.type === "ImportDeclaration" ||
        node.type === "ExportAllDeclaration" ||
        node.type === "ExportNamedDeclaration") &&
      literal(node.source)
    ) {
      result.static.push(resolve(literal(node.source)!));
    } else if (node.type === "ImportExpression" && literal(node.source)) {
      result.dynamic.push(resolve(literal(node.source)!));
    } else if (node.type === "Property") {
      const key = literal(node.key);
      const target = key?.includes("/locales/") ? dynamicIn(node.value) : undefined;
      if (key && target) result.globbed.set(key, resolve(target));
    }
  });
  return result;
}

function walk(node: unknown, visit: (node: Node) => void) {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (!node || typeof node !== "object" || typeof (node as Node).type !== "string") return;
  visit(node as Node);
  for (const [key, value] of Object.entries(node)) {
    if (key !== "type" && value && typeof value === "object") walk(value, visit);
  }
}

/** `roots` and every chunk they import statically, transitively. */
function staticClosure(appDir: string, roots: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file) || !file.endsWith(".js")) continue;
    seen.add(file);
    queue.push(...chunkImports(appDir, file).static);
  }
  return [...seen];
}

const gzipped = (appDir: string, file: string) => gzipSync(readFileSync(join(appDir, file)), { level: 9 }).length;

/** The landing route's initial JavaScript, from index.html and the chunks. */
function landingJavaScript(appDir: string) {
  const html = readFileSync(join(appDir, "index.html"), "utf8");
  const entries = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map((m) => m[1]!.slice(1));
  if (entries.length === 0) throw new Error(`no module script in ${appDir}/index.html`);
  const preloaded = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1]!.slice(1));
  const css = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]!.slice(1));
  const entryClosure = staticClosure(appDir, [...entries, ...preloaded]);

  const dynamic = new Set<string>();
  const globbed = new Map<string, string>();
  for (const file of entryClosure) {
    const imports = chunkImports(appDir, file);
    for (const target of imports.dynamic) dynamic.add(target);
    for (const [key, target] of imports.globbed) globbed.set(key, target);
  }
  const landingChunks = [...dynamic].filter((file) => /(^|\/)LandingPage-[^/]*\.js$/.test(file));
  if (landingChunks.length === 0) {
    throw new Error(`no LandingPage chunk among the entry's dynamic imports: ${[...dynamic].join(", ")}`);
  }
  const locales = LOCALE_MODULES.map((module) => {
    const entry = [...globbed].find(([key]) => key.endsWith(`/locales/en/${module}.json`));
    if (!entry) throw new Error(`no en/${module}.json locale chunk in the entry's import.meta.glob`);
    return entry[1];
  });
  const routeClosure = staticClosure(appDir, [...landingChunks, ...locales]).filter(
    (file) => !entryClosure.includes(file),
  );
  const files = [...entryClosure, ...routeClosure];
  const sizes = Object.fromEntries(
    files.map((file) => [file, { bytes: readFileSync(join(appDir, file)).length, gzip: gzipped(appDir, file) }]),
  );
  const total = files.reduce((sum, file) => sum + sizes[file]!.gzip, 0);
  return {
    files,
    total,
    detail: {
      entry: entries,
      entry_closure_gz_kb: kib(entryClosure.reduce((sum, file) => sum + sizes[file]!.gzip, 0)),
      landing_route_gz_kb: kib(routeClosure.reduce((sum, file) => sum + sizes[file]!.gzip, 0)),
      locale_chunks: locales,
      css_gz_kb: kib(css.reduce((sum, file) => sum + gzipped(appDir, file), 0)),
      files: Object.fromEntries(
        files.map((file) => [file, { kb: kib(sizes[file]!.bytes), gz_kb: kib(sizes[file]!.gzip) }]),
      ),
    },
  };
}

await runBench(async (cleanup) => {
  const stack = await startAppStack({ log: (line) => console.log(`  ${line}`) });
  cleanup.defer(() => stack.stop());
  const js = landingJavaScript(stack.appDir);
  console.log(`landing route JavaScript: ${kib(js.total)} KiB gzipped in ${js.files.length} chunks`);

  const browser = await launchBrowser({ screenshots: false });
  cleanup.defer(() => browser.close());

  async function coldLoad() {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const scripts = new Set<string>();
      page.on("response", (response) => {
        if (response.request().resourceType() === "script") scripts.add(new URL(response.url()).pathname.slice(1));
      });
      const started = performance.now();
      await page.goto(`${stack.url}/`, { waitUntil: "networkidle" });
      const idleMs = performance.now() - started;
      await page.getByRole("heading", { level: 1 }).first().waitFor({ timeout: 15_000 });
      const lcp = await page.evaluate(
        () =>
          new Promise<{ startTime: number; size: number; element: string } | null>((resolve) => {
            let last: (PerformanceEntry & { size?: number; element?: Element | null }) | undefined;
            new PerformanceObserver((list) => {
              const entries = list.getEntries();
              last = entries[entries.length - 1] as typeof last;
            }).observe({ type: "largest-contentful-paint", buffered: true });
            setTimeout(
              () =>
                resolve(
                  last
                    ? {
                        startTime: last.startTime,
                        size: last.size ?? 0,
                        element: last.element ? last.element.tagName.toLowerCase() : "",
                      }
                    : null,
                ),
              500,
            );
          }),
      );
      if (!lcp) throw new Error("Chromium reported no largest-contentful-paint entry for /");
      return { lcp, idleMs, scripts: [...scripts] };
    } finally {
      await context.close();
    }
  }

  await coldLoad(); // warm-up: the server's first answers, V8's first compile of the server paths
  const loads = [];
  for (let i = 0; i < runs; i++) loads.push(await coldLoad());
  const lcps = loads.map((load) => Math.round(load.lcp.startTime * 10) / 10);
  const lcpMs = Math.round(median(lcps));
  const fetched = loads[0]!.scripts;
  const fetchedGz = fetched.reduce((sum, file) => {
    try {
      return sum + gzipped(stack.appDir, file);
    } catch {
      return sum; // not a file of the build (none expected)
    }
  }, 0);
  console.log(`LCP of /: median ${lcpMs} ms over ${runs} cold loads (${lcps.join(", ")})`);

  const results = {
    landing_js_gz_kb: kib(js.total),
    lcp_ms: lcpMs,
    targets: { landing_js_gz_kb: `<= ${targets.landingJsGzKb}`, lcp_ms: `<= ${targets.lcpMs}` },
    detail: {
      date: new Date().toISOString(),
      machine: machine(),
      chromium: browser.browser.version(),
      runs,
      lcp_runs_ms: lcps,
      lcp_element: loads.map((load) => load.lcp.element),
      network_idle_ms: loads.map((load) => Math.round(load.idleMs)),
      app_build_ms: stack.appBuildMs,
      landing_js: js.detail,
      browser_fetched_js: {
        gz_kb: kib(fetchedGz),
        files: fetched,
        not_counted: fetched.filter((file) => !js.files.includes(file)),
        counted_not_fetched: js.files.filter((file) => !fetched.includes(file)),
      },
      method:
        "gzip level 9 of the entry chunk (index.html) + its static imports + the LandingPage chunk and its static " +
        "imports + the en common/landing locale chunks; LCP = last 'largest-contentful-paint' entry after network " +
        "idle, new browser context per load (cold cache), one uncounted warm-up load, headless Chromium, no throttling",
    },
  };
  writeResults("app.json", results);

  const checks: [string, boolean, string][] = [
    [
      "landing JS",
      results.landing_js_gz_kb <= targets.landingJsGzKb,
      `${results.landing_js_gz_kb} KiB gz (target <= ${targets.landingJsGzKb})`,
    ],
    ["LCP of /", lcpMs <= targets.lcpMs, `${lcpMs} ms (target <= ${targets.lcpMs})`],
  ];
  for (const [name, ok, detail] of checks) console.log(`${ok ? "PASS" : "MISS"} ${name}: ${detail}`);
  process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
});
