// Vanity codes: the rules a chosen code must meet, each failure with its own message. They are
// stricter than CODE_SHAPE in lookup.ts (which every lookup uses), never looser.
export const VANITY_MIN = 4;
export const VANITY_MAX = 32;

/** Words no one may claim (compared case-insensitively and ignoring '-' and '_', so "Ad-Min"
 *  is as reserved as "admin"): routes, roles and words a visitor could mistake for the operator.
 *  "resolve", "track" and "visits" are path segments under /api/refcodes, next to {code}. */
export const RESERVED_CODES: ReadonlySet<string> = new Set([
  "about",
  "account",
  "admin",
  "administrator",
  "api",
  "app",
  "assets",
  "auth",
  "billing",
  "checkout",
  "contact",
  "dashboard",
  "docs",
  "false",
  "healthz",
  "help",
  "info",
  "login",
  "logout",
  "metrics",
  "moderator",
  "nan",
  "none",
  "null",
  "official",
  "openapi",
  "owner",
  "privacy",
  "readyz",
  "ref",
  "referral",
  "referrals",
  "refcode",
  "refcodes",
  "register",
  "resolve",
  "root",
  "security",
  "settings",
  "signin",
  "signup",
  "staff",
  "static",
  "status",
  "store",
  "superuser",
  "support",
  "system",
  "team",
  "terms",
  "track",
  "true",
  "undefined",
  "visits",
  "webmaster",
  "www",
]);

export function isReservedCode(code: string): boolean {
  return RESERVED_CODES.has(code.trim().toLowerCase().replace(/[-_]/g, ""));
}

export type VanityCheck =
  { ok: true; code: string } | { ok: false; error: "invalid_code" | "reserved_code"; message: string };

/** Checks a requested vanity code; on success `code` is the display form (trimmed). */
export function checkVanity(input: string): VanityCheck {
  const code = input.trim();
  const invalid = (message: string): VanityCheck => ({ ok: false, error: "invalid_code", message });
  if (code.length < VANITY_MIN)
    return invalid(`a vanity code needs at least ${VANITY_MIN} characters (got ${code.length})`);
  if (code.length > VANITY_MAX)
    return invalid(`a vanity code has at most ${VANITY_MAX} characters (got ${code.length})`);
  const bad = [...code].find((char) => !/[A-Za-z0-9_-]/.test(char));
  if (bad !== undefined)
    return invalid(`a vanity code may contain only letters A-Z, digits, '_' and '-' (found ${JSON.stringify(bad)})`);
  if (!/^[A-Za-z0-9]/.test(code)) return invalid("a vanity code must start with a letter or digit");
  if (!/[A-Za-z0-9]$/.test(code)) return invalid("a vanity code must end with a letter or digit");
  if (isReservedCode(code))
    return { ok: false, error: "reserved_code", message: `"${code}" is reserved; choose another code` };
  return { ok: true, code };
}
