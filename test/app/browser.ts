// Headless Chromium for the browser suite and bench:app: the machine's Debian chromium driven by
// playwright-core (never a downloaded browser), a fresh profile per launch, and numbered
// screenshots of each step under .test-results/app-screenshots/.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { rootDir } from "../../scripts/lib/paths.ts";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const screenshotDir = join(rootDir, ".test-results", "app-screenshots");

export class ChromiumMissingError extends Error {
  override name = "ChromiumMissingError";
}

export interface TestBrowser {
  browser: Browser;
  /** A new context (its own cookies, storage and cache) with a regular Chrome user agent: the
   *  visit beacon ignores bots, and "HeadlessChrome" is one. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** Saves `page` as .test-results/app-screenshots/<NN>-<name>.png; returns the path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium. `launch` gives the browser a fresh temporary profile
 * (--user-data-dir) that playwright removes on close; every context in it starts empty.
 */
export async function launchBrowser(options: { screenshots?: boolean } = {}): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new ChromiumMissingError(
      `no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    timeout: 60_000,
  });
  const userAgent =
    `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ` +
    `Chrome/${browser.version()} Safari/537.36`;
  const contexts: BrowserContext[] = [];
  let shot = 0;
  if (options.screenshots !== false) {
    rmSync(screenshotDir, { recursive: true, force: true });
    mkdirSync(screenshotDir, { recursive: true });
  }
  return {
    browser,
    async newContext(contextOptions = {}) {
      const context = await browser.newContext({
        userAgent,
        locale: "en-US",
        viewport: { width: 1280, height: 900 },
        ...contextOptions,
      });
      contexts.push(context);
      return context;
    },
    async screenshot(page, name) {
      const file = join(screenshotDir, `${String(++shot).padStart(2, "0")}-${name.replace(/[^\w.-]+/g, "-")}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined); // a closed page: no picture
      return file;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}
