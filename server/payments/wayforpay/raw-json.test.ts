import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type JsonNumber, JsonSyntaxError, parseRawJson, toPlain } from "./raw-json.ts";

describe("parseRawJson", () => {
  it("keeps numbers as the characters sent", () => {
    const value = parseRawJson('{"amount":1547.30,"fee":0,"big":12345678901234567890,"e":1.5e-3,"n":-0.0}');
    assert.ok(value instanceof Map);
    assert.deepEqual(
      [...value].map(([key, item]) => [key, (item as JsonNumber).source]),
      [
        ["amount", "1547.30"],
        ["fee", "0"],
        ["big", "12345678901234567890"],
        ["e", "1.5e-3"],
        ["n", "-0.0"],
      ],
    );
  });

  it("decodes strings as JSON.parse does (escapes, surrogate pairs, non-ASCII)", () => {
    const text = '"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u0041\\ud83d\\ude00 Процессор"';
    assert.equal(parseRawJson(text), JSON.parse(text));
  });

  it("agrees with JSON.parse on any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        assert.deepEqual(toPlain(parseRawJson(text)), JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });

  it("keeps __proto__ an ordinary key", () => {
    const value = parseRawJson('{"__proto__":{"polluted":true}}');
    assert.ok(value instanceof Map && value.has("__proto__"));
    const plain = toPlain(value) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(plain), Object.prototype);
    assert.deepEqual(Object.keys(plain), ["__proto__"]);
  });

  it("refuses what is not strict JSON, and duplicate keys", () => {
    for (const text of [
      "",
      " ",
      "{",
      '{"a":1,}',
      "[1,]",
      '{"a":01}',
      '{"a":1.}',
      '{"a":.5}',
      '{"a":+1}',
      '{"a":NaN}',
      "{'a':1}",
      '{"a":"x\ny"}',
      '{"a":"\\x41"}',
      '{"a":"\\u12"}',
      '{"a":1} x',
      '{"a":1}{"b":2}',
      '{"a" 1}',
      "tru",
      '{"a":1,"a":2}',
      '"unterminated',
    ]) {
      assert.throws(() => parseRawJson(text), JsonSyntaxError, JSON.stringify(text));
    }
  });

  it("refuses nesting deeper than 32", () => {
    assert.doesNotThrow(() => parseRawJson("[".repeat(32) + "]".repeat(32)));
    assert.throws(() => parseRawJson("[".repeat(34) + "]".repeat(34)), /nested deeper/);
  });
});
