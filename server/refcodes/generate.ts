// Generated codes: uppercase letters and digits without look-alikes (0/O, 1/I/L) and without U,
// so a code read aloud or copied by hand is hard to get wrong. Uniqueness is the database's job:
// the service inserts with ON CONFLICT DO NOTHING and draws again on a collision.
import { randomInt } from "node:crypto";
import { isReservedCode } from "./vanity.ts";

export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
export const GENERATED_LENGTH = 8;

/** Returns a uniformly random integer in [0, max). */
export type RandomInt = (max: number) => number;

const cryptoRandom: RandomInt = (max) => randomInt(max);

/** A random code of `length` characters of CODE_ALPHABET (30^8 ≈ 6.6e11 codes by default). */
export function generateCode(random: RandomInt = cryptoRandom, length = GENERATED_LENGTH): string {
  for (;;) {
    let code = "";
    for (let i = 0; i < length; i++) code += CODE_ALPHABET[random(CODE_ALPHABET.length)];
    // A reserved word spelled by chance (astronomically rare) is drawn again, so generated
    // codes never need a different rule than vanity ones.
    if (!isReservedCode(code)) return code;
  }
}
