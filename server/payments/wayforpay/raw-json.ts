// A strict JSON (RFC 8259) parser that keeps every number as the text it was sent as. WayForPay
// signs the callback's amount as it prints it: `1547.30` must be verified as "1547.30", but
// JSON.parse turns it into 1547.3 and the trailing zero is gone. (JSON.parse's reviver can see
// the source text only from V8 11.4 on: not in Node 20, which this project still supports.)
// Also stricter than JSON.parse where that matters for a signed message: a duplicate key is an
// error (JSON.parse silently keeps the last one, another parser may keep the first).

/** A JSON number, as the characters it was written with. */
export class JsonNumber {
  readonly source: string;
  constructor(source: string) {
    this.source = source;
  }
}

export type RawJson = string | JsonNumber | boolean | null | RawJson[] | RawObject;
/** A JSON object; a Map so that no key ("__proto__" included) is special. */
export type RawObject = Map<string, RawJson>;

export class JsonSyntaxError extends Error {
  override name = "JsonSyntaxError";
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} at position ${position}`);
    this.position = position;
  }
}

const MAX_DEPTH = 32;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** Parses `text` as one JSON value; throws JsonSyntaxError. */
export function parseRawJson(text: string): RawJson {
  let i = 0;

  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, at);
  };
  const skipSpace = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      i++;
    }
  };
  const expect = (char: string) => {
    if (text[i] !== char) fail(i < text.length ? `expected ${JSON.stringify(char)}` : "unexpected end of input");
    i++;
  };

  const parseString = (): string => {
    expect('"');
    let out = "";
    let start = i;
    for (;;) {
      if (i >= text.length) fail("unterminated string");
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail("control character in string");
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const escape = text[i + 1];
      if (escape === "u") {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else {
        const decoded = escape === undefined ? undefined : ESCAPES[escape];
        if (decoded === undefined) fail("bad escape");
        out += decoded;
        i += 2;
      }
      start = i;
    }
    out += text.slice(start, i);
    i++;
    return out;
  };

  const parseValue = (depth: number): RawJson => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH}`);
    skipSpace();
    const c = text[i];
    if (c === "{") {
      i++;
      const object: RawObject = new Map();
      skipSpace();
      if (text[i] === "}") {
        i++;
        return object;
      }
      for (;;) {
        skipSpace();
        const keyAt = i;
        const key = parseString();
        if (object.has(key)) fail(`duplicate key ${JSON.stringify(key)}`, keyAt);
        skipSpace();
        expect(":");
        object.set(key, parseValue(depth + 1));
        skipSpace();
        if (text[i] === ",") {
          i++;
          continue;
        }
        expect("}");
        return object;
      }
    }
    if (c === "[") {
      i++;
      const array: RawJson[] = [];
      skipSpace();
      if (text[i] === "]") {
        i++;
        return array;
      }
      for (;;) {
        array.push(parseValue(depth + 1));
        skipSpace();
        if (text[i] === ",") {
          i++;
          continue;
        }
        expect("]");
        return array;
      }
    }
    if (c === '"') return parseString();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (number) {
      i += number[0].length;
      return new JsonNumber(number[0]);
    }
    return fail(i < text.length ? "unexpected character" : "unexpected end of input");
  };

  const value = parseValue(0);
  skipSpace();
  if (i < text.length) fail("unexpected text after the value");
  return value;
}

/** The plain JavaScript value (numbers as `number`), for storing and reading the payload. */
export function toPlain(value: RawJson): unknown {
  if (value instanceof JsonNumber) return Number(value.source);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [key, toPlain(item)]));
  return value;
}
