// i18next with one JSON bundle per module and language (app/locales/<lng>/<module>.json). The
// common bundle is in the first load; a page's bundle arrives with the page (react-i18next
// suspends until it is there).
import i18next, { type BackendModule } from "i18next";
import { initReactI18next } from "react-i18next";

export const languages = ["en", "uk", "ru"] as const;
export type Language = (typeof languages)[number];
export const modules = ["common", "landing", "dashboard", "admin", "verify", "store"] as const;

const bundles = import.meta.glob<{ default: Record<string, unknown> }>("../../locales/*/*.json");

const lazyBundles: BackendModule = {
  type: "backend",
  init() {},
  read(language, namespace, callback) {
    const load = bundles[`../../locales/${language}/${namespace}.json`];
    if (!load) return callback(new Error(`no bundle ${language}/${namespace}`), null);
    load().then(
      (bundle) => callback(null, bundle.default),
      (error: Error) => callback(error, null),
    );
  },
};

const STORAGE_KEY = "refcodes.language";

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored && (languages as readonly string[]).includes(stored)) return stored as Language;
  const preferred = navigator.languages.map((tag) => tag.slice(0, 2).toLowerCase());
  return (preferred.find((tag) => (languages as readonly string[]).includes(tag)) as Language | undefined) ?? "en";
}

export async function initI18n(): Promise<typeof i18next> {
  await i18next
    .use(lazyBundles)
    .use(initReactI18next)
    .init({
      lng: initialLanguage(),
      fallbackLng: "en",
      supportedLngs: languages,
      ns: ["common"],
      defaultNS: "common",
      interpolation: { escapeValue: false },
      react: { useSuspense: true },
    });
  document.documentElement.lang = i18next.language;
  i18next.on("languageChanged", (language) => {
    document.documentElement.lang = language;
    localStorage.setItem(STORAGE_KEY, language);
  });
  return i18next;
}
