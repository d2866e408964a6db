// Small helpers of the browser suite: polling until something holds, and the app's English texts
// read from app/locales/en (so a test looks for what the page really says, not a copy of it).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { rootDir } from "../../scripts/lib/paths.ts";

/** Polls `probe` until it returns something other than undefined/false/null; throws after `timeoutMs`
 *  with `what` and the last value or error seen. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out waiting for ${what} (last: ${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

type Tree = { [key: string]: string | Tree };
const bundles = new Map<string, Tree>();

/** A locale bundle, app/locales/<language>/<module>.json. */
export function bundle(module: string, language = "en"): Tree {
  const key = `${language}/${module}`;
  let tree = bundles.get(key);
  if (!tree) {
    tree = JSON.parse(readFileSync(join(rootDir, "app", "locales", language, `${module}.json`), "utf8")) as Tree;
    bundles.set(key, tree);
  }
  return tree;
}

/** Every string of a bundle by its dotted key. */
export function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else if (value && typeof value === "object") for (const [k, v] of flatten(value, path)) out.set(k, v);
    else out.set(path, value as never);
  }
  return out;
}

/** The text of `key` in `module` (en unless said), with {{placeholders}} filled from `values`. */
export function text(module: string, key: string, values: Record<string, string | number> = {}, language = "en") {
  const template = flatten(bundle(module, language)).get(key);
  if (template === undefined) throw new Error(`no text ${language}/${module}.json ${key}`);
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => String(values[name] ?? `{{${name}}}`));
}

const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const NOT_IN_WORD_BEFORE = "(?<![\\p{L}\\p{N}])";
const NOT_IN_WORD_AFTER = "(?![\\p{L}\\p{N}])";

/** Patterns of every en text of `module` whose key matches `keyPattern` ({{placeholders}} match
 *  anything; the text must not be part of a longer word: "paid" does not match "unpaid"); empty
 *  when the bundle has none (the page is not written yet). */
export function textsMatching(module: string, keyPattern: RegExp): RegExp[] {
  let tree: Tree;
  try {
    tree = bundle(module);
  } catch {
    return [];
  }
  return [...flatten(tree)]
    .filter(([key, value]) => keyPattern.test(key) && typeof value === "string" && value.trim() !== "")
    .map(
      ([, value]) =>
        new RegExp(
          `${NOT_IN_WORD_BEFORE}${value
            .split(/\{\{\s*\w+\s*\}\}/)
            .map(escape)
            .join(".*?")}${NOT_IN_WORD_AFTER}`,
          "iu",
        ),
    );
}

/** True when `haystack` shows `hash`: in full (text, href or title), or as a shortened 0x1234…abcd. */
export function showsHash(haystack: { html: string; text: string }, hash: string): boolean {
  const h = hash.toLowerCase();
  if (haystack.html.toLowerCase().includes(h)) return true;
  const visible = haystack.text.toLowerCase();
  return visible.includes(h.slice(0, 8)) && visible.includes(h.slice(-4));
}

/** How long a UI step may take before the test fails (a cold page on a loaded 2-core machine). */
export const UI_TIMEOUT_MS = 20_000;

/** A new page that records uncaught errors and console errors, so a test can assert there were none. */
export async function openPage(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  return { page, errors };
}
