import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { hmacMd5, verifyHmacMd5 } from "./signature.ts";

const reference = (key: string, text: string) => createHmac("md5", key).update(text, "utf8").digest("hex");

describe("hmacMd5", () => {
  it("is standard HMAC-MD5 (RFC 2202 test case 2)", () => {
    assert.equal(hmacMd5("Jefe", ["what do ya want for nothing?"]), "750c783e6ab0b503eaa86e310a5db738");
  });

  it("signs the fields joined with ';' in UTF-8, as lower-case hex", () => {
    const fields = ["test_merch_n1", "Процессор", "", "1547.36"];
    assert.equal(
      hmacMd5("flk3409refn54t54t*FNJRET", fields),
      reference("flk3409refn54t54t*FNJRET", "test_merch_n1;Процессор;;1547.36"),
    );
  });
});

describe("verifyHmacMd5", () => {
  const key = "flk3409refn54t54t*FNJRET";
  const good = reference(key, "a;b;c");

  it("accepts the signature of a candidate, in either case", () => {
    assert.equal(verifyHmacMd5(key, [["a", "b", "c"]], good), true);
    assert.equal(verifyHmacMd5(key, [["a", "b", "c"]], good.toUpperCase()), true);
  });

  it("accepts a match with any of the candidates", () => {
    assert.equal(verifyHmacMd5(key, [["x"], ["a", "b", "c"]], good), true);
    assert.equal(verifyHmacMd5(key, [["a", "b", "c"], ["x"]], good), true);
  });

  it("refuses another signature, another key, a wrong length or non-hex", () => {
    assert.equal(verifyHmacMd5(key, [["a", "b", "d"]], good), false);
    assert.equal(verifyHmacMd5("other", [["a", "b", "c"]], good), false);
    assert.equal(verifyHmacMd5(key, [["a", "b", "c"]], good.slice(0, 31)), false);
    assert.equal(verifyHmacMd5(key, [["a", "b", "c"]], `${good}0`), false);
    assert.equal(verifyHmacMd5(key, [["a", "b", "c"]], "z".repeat(32)), false);
    assert.equal(verifyHmacMd5(key, [["a", "b", "c"]], ""), false);
    assert.equal(verifyHmacMd5(key, [], good), false);
  });
});
