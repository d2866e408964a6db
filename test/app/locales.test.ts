// Locale completeness, without a browser: every module's bundle exists in en, uk and ru with the
// same keys (both ways), no string is empty, and every {{placeholder}} of the English text is in
// the translations too. i18next plural keys (key_one, key_few, ...) are compared by their base
// key, and each language must have the plural forms its own rules need (uk and ru: one, few,
// many, other; en: one, other). The checker is run on small fixtures first, so a missing key is
// shown to fail it.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { rootDir } from "../../scripts/lib/paths.ts";

const LANGUAGES = ["en", "uk", "ru"] as const;
const REFERENCE = "en";
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

type Tree = { [key: string]: unknown };
/** language → module → parsed JSON */
export type LocaleSet = Record<string, Record<string, unknown>>;

const placeholders = (value: string) =>
  new Set([...value.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1]!));

/** Dotted key → value of every leaf; non-string leaves are kept to be reported. */
function leaves(tree: unknown, prefix = "", out = new Map<string, unknown>()): Map<string, unknown> {
  if (tree !== null && typeof tree === "object" && !Array.isArray(tree)) {
    for (const [key, value] of Object.entries(tree as Tree)) leaves(value, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, tree);
  }
  return out;
}

/** Groups plural forms under their base key: "rewards.count_one" → "rewards.count" {one: ...}. */
function grouped(tree: unknown): Map<string, Map<string, unknown>> {
  const groups = new Map<string, Map<string, unknown>>();
  for (const [key, value] of leaves(tree)) {
    const plural = PLURAL_SUFFIX.exec(key);
    const base = plural ? key.slice(0, -plural[0].length) : key;
    const form = plural ? plural[1]! : "";
    if (!groups.has(base)) groups.set(base, new Map());
    groups.get(base)!.set(form, value);
  }
  return groups;
}

/** Every problem of a locale set, one line each; empty when it is complete. */
export function localeProblems(locales: LocaleSet, languages: readonly string[] = LANGUAGES): string[] {
  const problems: string[] = [];
  const modules = new Set(languages.flatMap((language) => Object.keys(locales[language] ?? {})));
  for (const module of [...modules].sort()) {
    for (const language of languages) {
      if (!(module in (locales[language] ?? {}))) problems.push(`${language}/${module}.json: missing file`);
    }
    const groups = Object.fromEntries(
      languages.map((language) => [language, grouped(locales[language]?.[module] ?? {})] as const),
    );
    const reference = groups[REFERENCE]!;
    for (const language of languages) {
      const mine = groups[language]!;
      const where = (key: string) => `${language}/${module}.json ${key}`;
      const pluralRules = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
      for (const [key, forms] of mine) {
        for (const [form, value] of forms) {
          const name = form ? `${key}_${form}` : key;
          if (typeof value !== "string") problems.push(`${where(name)}: not a string (${JSON.stringify(value)})`);
          else if (value.trim() === "") problems.push(`${where(name)}: empty`);
        }
        if (language !== REFERENCE && !reference.has(key)) problems.push(`${where(key)}: not in ${REFERENCE}`);
      }
      if (language === REFERENCE) continue;
      for (const [key, referenceForms] of reference) {
        const forms = mine.get(key);
        if (!forms) {
          if (module in (locales[language] ?? {})) problems.push(`${where(key)}: missing`);
          continue;
        }
        const plural = referenceForms.has("") === false;
        if (plural !== !forms.has("") || (!plural && forms.size > 1)) {
          problems.push(`${where(key)}: ${plural ? "plural" : "not plural"} in ${REFERENCE} but not here`);
          continue;
        }
        if (plural) {
          for (const category of pluralRules) {
            if (!forms.has(category)) problems.push(`${where(`${key}_${category}`)}: missing plural form`);
          }
        }
        // The placeholders of the English text (its "other" form for plurals) in every form here.
        const englishText = referenceForms.get(plural ? "other" : "");
        if (typeof englishText !== "string") continue;
        for (const [form, value] of forms) {
          if (typeof value !== "string") continue;
          const have = placeholders(value);
          for (const name of placeholders(englishText)) {
            if (!have.has(name)) problems.push(`${where(form ? `${key}_${form}` : key)}: lacks {{${name}}}`);
          }
        }
      }
    }
  }
  return problems;
}

/** app/locales/<language>/<module>.json, parsed. */
export function readLocales(dir = join(rootDir, "app", "locales")): LocaleSet {
  const locales: LocaleSet = {};
  for (const language of LANGUAGES) {
    locales[language] = {};
    for (const file of readdirSync(join(dir, language)).filter((name) => name.endsWith(".json"))) {
      const path = join(dir, language, file);
      try {
        locales[language]![file.slice(0, -5)] = JSON.parse(readFileSync(path, "utf8"));
      } catch (error) {
        throw new Error(`${path}: ${(error as Error).message}`);
      }
    }
  }
  return locales;
}

describe("locale checker on fixtures", () => {
  const complete = (): LocaleSet => ({
    en: {
      common: { nav: { store: "Store" }, hello: "Hi {{name}}", items_one: "One item", items_other: "{{count}} items" },
    },
    uk: {
      common: {
        nav: { store: "Магазин" },
        hello: "Привіт, {{name}}",
        items_one: "{{count}} річ",
        items_few: "{{count}} речі",
        items_many: "{{count}} речей",
        items_other: "{{count}} речі",
      },
    },
    ru: {
      common: {
        nav: { store: "Магазин" },
        hello: "Привет, {{name}}",
        items_one: "{{count}} вещь",
        items_few: "{{count}} вещи",
        items_many: "{{count}} вещей",
        items_other: "{{count}} вещи",
      },
    },
  });

  it("passes a complete set", () => {
    assert.deepEqual(localeProblems(complete()), []);
  });

  it("fails on a key missing in a translation", () => {
    const locales = complete();
    delete (locales.uk!.common as { nav: Record<string, string> }).nav.store;
    assert.deepEqual(localeProblems(locales), ["uk/common.json nav.store: missing"]);
  });

  it("fails on a key only a translation has, an empty string, a lost placeholder and a missing file", () => {
    const locales = complete();
    (locales.ru!.common as Tree).extra = "Лишнее";
    (locales.uk!.common as Tree).hello = "Привіт";
    ((locales.ru!.common as Tree).nav as Tree).store = " ";
    locales.en!.store = { title: "Store" };
    locales.uk!.store = { title: "Магазин" };
    assert.deepEqual(localeProblems(locales).sort(), [
      "ru/common.json extra: not in en",
      "ru/common.json nav.store: empty",
      "ru/store.json: missing file",
      "uk/common.json hello: lacks {{name}}",
    ]);
  });

  it("fails on a plural form the language needs", () => {
    const locales = complete();
    delete (locales.ru!.common as Tree).items_few;
    assert.deepEqual(localeProblems(locales), ["ru/common.json items_few: missing plural form"]);
  });
});

describe("app/locales", () => {
  it("every en key is in uk and ru and back, none empty, every placeholder kept", () => {
    const problems = localeProblems(readLocales());
    assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join("\n")}`);
  });

  it("every module the app loads has a bundle", () => {
    const source = readFileSync(join(rootDir, "app", "src", "i18n", "index.ts"), "utf8");
    const list = /export const modules = \[([^\]]*)\]/.exec(source)?.[1];
    assert.ok(list, "app/src/i18n/index.ts lists its modules");
    const modules = [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
    const locales = readLocales();
    for (const language of LANGUAGES) {
      for (const module of modules) assert.ok(module in locales[language]!, `${language}/${module}.json exists`);
    }
  });
});
