import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CODE_SHAPE } from "./lookup.ts";
import { checkVanity, isReservedCode, RESERVED_CODES, VANITY_MAX, VANITY_MIN } from "./vanity.ts";

function rejected(input: string) {
  const result = checkVanity(input);
  assert.equal(result.ok, false, `${JSON.stringify(input)} should be rejected`);
  return result as Extract<typeof result, { ok: false }>;
}

describe("vanity codes", () => {
  it("accepts letters, digits, '_' and '-' within the length limits, keeping the case as typed", () => {
    for (const code of ["Alice", "bob_2024", "x-y-z", "1234", "A".repeat(VANITY_MAX), "a_b-c9"]) {
      assert.deepEqual(checkVanity(code), { ok: true, code });
      assert.match(code, CODE_SHAPE, "every accepted code is one lookups accept");
    }
  });

  it("trims surrounding spaces", () => {
    assert.deepEqual(checkVanity("  Alice \n"), { ok: true, code: "Alice" });
  });

  it("rejects a code that is too short, naming the minimum", () => {
    assert.equal(VANITY_MIN, 4);
    const result = rejected("abc");
    assert.equal(result.error, "invalid_code");
    assert.equal(result.message, "a vanity code needs at least 4 characters (got 3)");
    assert.match(rejected("").message, /at least 4 characters \(got 0\)/);
    assert.match(rejected("  ab  ").message, /got 2/);
  });

  it("rejects a code that is too long, naming the maximum", () => {
    const result = rejected("a".repeat(VANITY_MAX + 1));
    assert.equal(result.error, "invalid_code");
    assert.equal(result.message, "a vanity code has at most 32 characters (got 33)");
  });

  it("rejects characters outside the charset, naming the first one", () => {
    for (const [input, char] of [
      ["ali ce", '" "'],
      ["alice!", '"!"'],
      ["al.ice", '"."'],
      ["ålice", '"å"'],
      ["ali/ce", '"/"'],
      ["alice%20", '"%"'],
    ] as const) {
      const result = rejected(input);
      assert.equal(result.error, "invalid_code");
      assert.equal(
        result.message,
        `a vanity code may contain only letters A-Z, digits, '_' and '-' (found ${char})`,
        input,
      );
    }
  });

  it("rejects a code starting or ending with '-' or '_'", () => {
    assert.equal(rejected("-alice").message, "a vanity code must start with a letter or digit");
    assert.equal(rejected("_alice").message, "a vanity code must start with a letter or digit");
    assert.equal(rejected("alice-").message, "a vanity code must end with a letter or digit");
    assert.equal(rejected("alice_").message, "a vanity code must end with a letter or digit");
  });

  it("rejects reserved words in any case and with separators inside", () => {
    for (const word of ["admin", "ADMIN", "Admin", "ad-min", "Ad_Min", "support", "refcodes", "Help", "login"]) {
      const result = rejected(word);
      assert.equal(result.error, "reserved_code", word);
      assert.equal(result.message, `"${word}" is reserved; choose another code`);
    }
    // Words shorter than the vanity minimum are listed too: generated codes are checked against the list.
    for (const word of ["root", "null", "undefined", "www", "api", "WWW"]) assert.ok(isReservedCode(word), word);
    assert.ok(RESERVED_CODES.has("api") && RESERVED_CODES.has("www"));
    assert.equal(rejected("root").error, "reserved_code");
    assert.equal(rejected("NULL").error, "reserved_code");
    // Path segments next to {code} under /api/refcodes: GET /resolve/visits must not be ambiguous.
    for (const segment of ["resolve", "Track", "VISITS"]) assert.equal(rejected(segment).error, "reserved_code");
  });

  it("lets a code that merely contains a reserved word through", () => {
    for (const code of ["admin2", "helpful", "rootbeer", "my-support-team"])
      assert.equal(checkVanity(code).ok, true, code);
  });
});
