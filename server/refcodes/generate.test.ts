import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CODE_ALPHABET, GENERATED_LENGTH, generateCode, type RandomInt } from "./generate.ts";
import { CODE_SHAPE } from "./lookup.ts";

/** A random source that returns the alphabet positions of `text`'s characters, in order. */
function spelling(...texts: string[]): RandomInt & { calls: number[] } {
  const positions = texts
    .join("")
    .split("")
    .map((char) => CODE_ALPHABET.indexOf(char));
  assert.ok(!positions.includes(-1), `${texts} uses a character outside the alphabet`);
  const calls: number[] = [];
  const random = (max: number) => {
    calls.push(max);
    const next = positions.shift();
    if (next === undefined) throw new Error("the deterministic random source ran dry");
    return next;
  };
  return Object.assign(random, { calls });
}

describe("generated codes", () => {
  it("uses an alphabet without look-alike characters", () => {
    for (const ambiguous of ["0", "O", "1", "I", "L", "U"]) assert.ok(!CODE_ALPHABET.includes(ambiguous), ambiguous);
    assert.equal(new Set(CODE_ALPHABET).size, CODE_ALPHABET.length, "no repeated characters");
    assert.match(CODE_ALPHABET, /^[A-Z2-9]+$/);
  });

  it("draws codes of the default length from that alphabet only, all of it, and lookups accept them", () => {
    const seen = new Set<string>();
    const codes = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = generateCode();
      assert.equal(code.length, GENERATED_LENGTH);
      assert.match(code, new RegExp(`^[${CODE_ALPHABET}]+$`));
      assert.match(code, CODE_SHAPE);
      for (const char of code) seen.add(char);
      codes.add(code);
    }
    assert.equal(seen.size, CODE_ALPHABET.length, "every character of the alphabet appears");
    assert.equal(codes.size, 2000, "2000 draws from 30^8 codes do not repeat");
  });

  it("maps each draw of the random source to one character, asking for the alphabet's size", () => {
    const random = spelling("K7QM4TXZ");
    assert.equal(generateCode(random), "K7QM4TXZ");
    assert.deepEqual(random.calls, Array(8).fill(CODE_ALPHABET.length));
    assert.equal(generateCode(spelling("23Z"), 3), "23Z");
  });

  it("draws again when the draw spells a reserved word", () => {
    const random = spelling("REF", "NAN", "ABC");
    assert.equal(generateCode(random, 3), "ABC");
    assert.equal(random.calls.length, 9);
  });
});
