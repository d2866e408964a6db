import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import type { PrivateKeyAccount } from "viem/accounts";
import { refcodes } from "../db/schema.ts";
import { ApiError } from "../http/errors.ts";
import { newAccount, signIn, siweMessage, startTestStack, type TestClient, type TestStack } from "../test/harness.ts";
import { CODE_ALPHABET, type RandomInt } from "./generate.ts";
import { createRefcode, GENERATE_ATTEMPTS, MAX_ACTIVE_CODES } from "./service.ts";

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack?.stop());

const GENERATED = new RegExp(`^[${CODE_ALPHABET}]{8}$`);

async function signedIn() {
  const client = stack.client();
  const { account, session } = await signIn(client, newAccount());
  return { client, account, session };
}

async function linkWallet(client: TestClient, account: PrivateKeyAccount) {
  const message = await siweMessage(client, account.address);
  const response = await client.post("/api/auth/link", { message, signature: await account.signMessage({ message }) });
  assert.equal(response.status, 200, JSON.stringify(response.body));
}

/** A random source spelling the given codes' characters, one draw per character. */
function spelling(...codes: string[]): RandomInt & { draws: () => number } {
  const positions = codes
    .join("")
    .split("")
    .map((char) => CODE_ALPHABET.indexOf(char));
  let draws = 0;
  const random = () => {
    draws++;
    const next = positions.shift();
    if (next === undefined) throw new Error("the deterministic random source ran dry");
    return next;
  };
  return Object.assign(random, { draws: () => draws });
}

const rowsWithKey = (key: string) => stack.server.deps.db.select().from(refcodes).where(eq(refcodes.codeKey, key));

describe("creating codes", () => {
  it("creates a generated code for the session wallet", async () => {
    const { client, account } = await signedIn();
    const response = await client.post("/api/refcodes", {});
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const code = response.body;
    assert.match(code.code, GENERATED);
    assert.equal(code.kind, "generated");
    assert.equal(code.wallet, account.address);
    assert.equal(code.active, true);
    assert.equal(code.deactivatedAt, null);
    assert.equal(code.url, `http://localhost:5173/r/${code.code}`);
    assert.ok(Math.abs(Date.parse(code.createdAt) - Date.now()) < 60_000);
    const [row] = await rowsWithKey(code.code.toLowerCase());
    assert.equal(row?.code, code.code);
    assert.equal(row?.kind, "generated");
  });

  it("creates a generated code from a request without a body", async () => {
    const { client } = await signedIn();
    const response = await client.request("POST", "/api/refcodes");
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.match(response.body.code, GENERATED);
  });

  it("creates a vanity code as typed, and makes it unique in any letter case", async () => {
    const alice = await signedIn();
    const created = await alice.client.post("/api/refcodes", { vanity: "Alice" });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.code, "Alice");
    assert.equal(created.body.kind, "vanity");
    assert.equal(created.body.url, "http://localhost:5173/r/Alice");

    const bob = await signedIn();
    for (const [client, vanity] of [
      [bob.client, "ALICE"],
      [bob.client, "alice"],
      [alice.client, "aLiCe"],
    ] as const) {
      const taken = await client.post("/api/refcodes", { vanity });
      assert.equal(taken.status, 409, vanity);
      assert.equal(taken.body.error, "code_taken");
      assert.equal(
        taken.body.message,
        `"${vanity}" is already taken (codes are case-insensitive, so any spelling of it counts); choose another`,
      );
    }
    const rows = await rowsWithKey("alice");
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.code, "Alice");
  });

  it("gives one of two simultaneous claims of a vanity code, and a 409 to the other", async () => {
    const [first, second] = await Promise.all([signedIn(), signedIn()]);
    const results = await Promise.all([
      first.client.post("/api/refcodes", { vanity: "Racer" }),
      second.client.post("/api/refcodes", { vanity: "RACER" }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409]);
    assert.equal((await rowsWithKey("racer")).length, 1);
  });

  it("rejects each broken vanity rule with a 400 that says which", async () => {
    const { client } = await signedIn();
    const cases: [unknown, string, string | RegExp][] = [
      ["abc", "invalid_code", "a vanity code needs at least 4 characters (got 3)"],
      ["a".repeat(33), "invalid_code", "a vanity code has at most 32 characters (got 33)"],
      ["bad code", "invalid_code", `a vanity code may contain only letters A-Z, digits, '_' and '-' (found " ")`],
      ["émile", "invalid_code", /found "é"/],
      ["-lead", "invalid_code", "a vanity code must start with a letter or digit"],
      ["trail_", "invalid_code", "a vanity code must end with a letter or digit"],
      ["Admin", "reserved_code", `"Admin" is reserved; choose another code`],
      ["SUP-PORT", "reserved_code", `"SUP-PORT" is reserved; choose another code`],
      ["refcodes", "reserved_code", `"refcodes" is reserved; choose another code`],
      ["undefined", "reserved_code", `"undefined" is reserved; choose another code`],
      [42, "invalid_request", /^body\.vanity: /],
    ];
    for (const [vanity, error, message] of cases) {
      const response = await client.post("/api/refcodes", { vanity });
      assert.equal(response.status, 400, String(vanity));
      assert.equal(response.body.error, error, String(vanity));
      if (typeof message === "string") assert.equal(response.body.message, message);
      else assert.match(response.body.message, message);
    }
    const unknownField = await client.post("/api/refcodes", { vanityCode: "Carol" });
    assert.equal(unknownField.status, 400);
    assert.equal(unknownField.body.error, "invalid_request");
    assert.match(unknownField.body.message, /vanityCode/);
    assert.equal((await client.get("/api/refcodes")).body.codes.length, 0, "nothing was created");
  });

  it("needs a session", async () => {
    const anonymous = stack.client();
    const created = await anonymous.post("/api/refcodes", { vanity: "Nobody" });
    assert.equal(created.status, 401);
    assert.equal(created.body.error, "unauthorized");
    assert.equal((await anonymous.get("/api/refcodes")).status, 401);
    assert.equal((await anonymous.post("/api/refcodes/Nobody/deactivate")).status, 401);
    assert.equal((await rowsWithKey("nobody")).length, 0);
  });

  it("takes any linked wallet, and rejects a wallet that is not the user's", async () => {
    const { client, account } = await signedIn();
    const second = newAccount();
    const stranger = await signedIn();

    const notLinked = await client.post("/api/refcodes", { wallet: second.address });
    assert.equal(notLinked.status, 403);
    assert.equal(notLinked.body.error, "forbidden");
    assert.match(notLinked.body.message, new RegExp(`${second.address} is not linked to your account`));
    const othersWallet = await client.post("/api/refcodes", { wallet: stranger.account.address });
    assert.equal(othersWallet.status, 403);
    const malformed = await client.post("/api/refcodes", { wallet: "0x1234" });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.message, /^body\.wallet: expected a 0x-prefixed 20-byte address/);

    await linkWallet(client, second);
    const linked = await client.post("/api/refcodes", { wallet: second.address.toLowerCase(), vanity: "Second" });
    assert.equal(linked.status, 201, JSON.stringify(linked.body));
    assert.equal(linked.body.wallet, second.address, "stored checksummed");
    const sessionWallet = await client.post("/api/refcodes", { vanity: "First" });
    assert.equal(sessionWallet.body.wallet, account.address);
  });
});

describe("generated-code collisions", () => {
  it("retries a collision in the database and keeps the existing code", async () => {
    const { client, session } = await signedIn();
    // Any letter case collides: the unique index is on the lower-case key.
    assert.equal((await client.post("/api/refcodes", { vanity: "cccccccc" })).status, 201);
    const random = spelling("CCCCCCCC", "DDDDDDDD");
    const row = await createRefcode(
      stack.server.deps.db,
      { userId: session.userId, wallet: session.wallet },
      { random },
    );
    assert.equal(row.code, "DDDDDDDD");
    assert.equal(random.draws(), 16, "a second code was drawn");
    const [existing] = await rowsWithKey("cccccccc");
    assert.equal(existing?.code, "cccccccc");
    assert.equal(existing?.kind, "vanity");
  });

  it("gives up after a few attempts with a 503 and creates nothing", async () => {
    const { client, session } = await signedIn();
    assert.equal((await client.post("/api/refcodes", { vanity: "EEEEEEEE" })).status, 201);
    const random = spelling(...Array(GENERATE_ATTEMPTS).fill("EEEEEEEE"));
    await assert.rejects(
      createRefcode(stack.server.deps.db, { userId: session.userId, wallet: session.wallet }, { random }),
      (error: unknown) => error instanceof ApiError && error.status === 503 && error.code === "code_generation_failed",
    );
    assert.equal(random.draws(), GENERATE_ATTEMPTS * 8);
    assert.equal((await client.get("/api/refcodes")).body.codes.length, 1);
  });
});

describe("listing codes", () => {
  it("lists my codes over all my wallets, newest first, and nobody else's", async () => {
    const { client, account } = await signedIn();
    const second = newAccount();
    await linkWallet(client, second);
    const other = await signedIn();
    await other.client.post("/api/refcodes", { vanity: "OthersCode" });

    const made = [];
    made.push((await client.post("/api/refcodes", { vanity: "ListOne" })).body.code);
    made.push((await client.post("/api/refcodes", { wallet: second.address })).body.code);
    made.push((await client.post("/api/refcodes", { vanity: "ListThree" })).body.code);
    await client.post("/api/refcodes/ListOne/deactivate");

    const list = await client.get("/api/refcodes");
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.codes.map((code: { code: string }) => code.code),
      [...made].reverse(),
    );
    assert.deepEqual(
      list.body.codes.map((code: { wallet: string; active: boolean }) => [code.wallet, code.active]),
      [
        [account.address, true],
        [second.address, true],
        [account.address, false],
      ],
    );
    assert.deepEqual(
      (await other.client.get("/api/refcodes")).body.codes.map((code: { code: string }) => code.code),
      ["OthersCode"],
    );
  });
});

describe("deactivating and reactivating", () => {
  it("lets the owner deactivate and reactivate, idempotently, in any letter case", async () => {
    const { client } = await signedIn();
    await client.post("/api/refcodes", { vanity: "Toggle" });

    const off = await client.post("/api/refcodes/toggle/deactivate");
    assert.equal(off.status, 200);
    assert.equal(off.body.code, "Toggle");
    assert.equal(off.body.active, false);
    assert.ok(off.body.deactivatedAt);
    const again = await client.post("/api/refcodes/TOGGLE/deactivate");
    assert.equal(again.status, 200);
    assert.equal(again.body.active, false);
    assert.equal(again.body.deactivatedAt, off.body.deactivatedAt, "the first deactivation's time stays");
    const [row] = await rowsWithKey("toggle");
    assert.equal(row?.active, false);

    const on = await client.post("/api/refcodes/Toggle/reactivate");
    assert.equal(on.status, 200);
    assert.equal(on.body.active, true);
    assert.equal(on.body.deactivatedAt, null);
    assert.equal((await client.post("/api/refcodes/Toggle/reactivate")).body.active, true);
    assert.equal((await rowsWithKey("toggle"))[0]?.active, true);
  });

  it("answers 404 for another user's code and for an unknown one, and changes nothing", async () => {
    const owner = await signedIn();
    await owner.client.post("/api/refcodes", { vanity: "NotYours" });
    const intruder = await signedIn();
    for (const path of [
      "/api/refcodes/NotYours/deactivate",
      "/api/refcodes/notyours/reactivate",
      "/api/refcodes/NoSuchCode/deactivate",
      "/api/refcodes/x/deactivate",
    ]) {
      const response = await intruder.client.post(path);
      assert.equal(response.status, 404, path);
      assert.equal(response.body.error, "code_not_found");
    }
    assert.equal((await rowsWithKey("notyours"))[0]?.active, true);
    await owner.client.post("/api/refcodes/NotYours/deactivate");
    assert.equal((await intruder.client.post("/api/refcodes/NotYours/reactivate")).status, 404);
    assert.equal((await rowsWithKey("notyours"))[0]?.active, false);
  });
});

describe(`the cap of ${MAX_ACTIVE_CODES} active codes`, () => {
  it("refuses a further code, and a reactivation, beyond the cap", async () => {
    const { client } = await signedIn();
    for (let i = 0; i < MAX_ACTIVE_CODES; i++) assert.equal((await client.post("/api/refcodes")).status, 201);
    const over = await client.post("/api/refcodes", { vanity: "OneTooMany" });
    assert.equal(over.status, 409);
    assert.equal(over.body.error, "code_limit_reached");
    assert.match(over.body.message, /you have 20 active codes, the most allowed; deactivate one/);

    const [oldest] = (await client.get("/api/refcodes")).body.codes.slice(-1);
    assert.equal((await client.post(`/api/refcodes/${oldest.code}/deactivate`)).status, 200);
    assert.equal((await client.post("/api/refcodes", { vanity: "OneTooMany" })).status, 201);
    const reactivate = await client.post(`/api/refcodes/${oldest.code}/reactivate`);
    assert.equal(reactivate.status, 409);
    assert.equal(reactivate.body.error, "code_limit_reached");
    const codes = (await client.get("/api/refcodes")).body.codes as { active: boolean }[];
    assert.equal(codes.length, MAX_ACTIVE_CODES + 1);
    assert.equal(codes.filter((code) => code.active).length, MAX_ACTIVE_CODES);
  });

  it("holds under simultaneous requests", async () => {
    const { client, session } = await signedIn();
    const results = await Promise.all(Array.from({ length: MAX_ACTIVE_CODES + 5 }, () => client.post("/api/refcodes")));
    const statuses = results.map((result) => result.status);
    assert.equal(statuses.filter((status) => status === 201).length, MAX_ACTIVE_CODES, String(statuses));
    assert.equal(statuses.filter((status) => status === 409).length, 5);
    const rows = await stack.server.deps.db.select().from(refcodes).where(eq(refcodes.userId, session.userId));
    assert.equal(rows.length, MAX_ACTIVE_CODES);
  });
});

describe("resolving a code (public)", () => {
  it("tells anyone the display form, whether the code is active, and the referrer's wallet", async () => {
    const { client, account } = await signedIn();
    await client.post("/api/refcodes", { vanity: "ShareMe" });
    const visitor = stack.client();

    const resolved = await visitor.get("/api/refcodes/resolve/shareme");
    assert.equal(resolved.status, 200);
    assert.deepEqual(resolved.body, { code: "ShareMe", active: true, wallet: account.address });

    // Deactivation shows at once, although the lookup above is cached.
    await client.post("/api/refcodes/ShareMe/deactivate");
    const inactive = await visitor.get("/api/refcodes/resolve/SHAREME");
    assert.equal(inactive.status, 200);
    assert.deepEqual(inactive.body, { code: "ShareMe", active: false, wallet: account.address });
    await client.post("/api/refcodes/ShareMe/reactivate");
    assert.equal((await visitor.get("/api/refcodes/resolve/ShareMe")).body.active, true);
  });

  it("answers 404 for an unknown or impossible code", async () => {
    const visitor = stack.client();
    for (const code of ["NoSuchCode", "ab", "bad%20code", "-dash", "x".repeat(40)]) {
      const response = await visitor.get(`/api/refcodes/resolve/${code}`);
      assert.equal(response.status, 404, code);
      assert.equal(response.body.error, "code_not_found");
    }
  });

  it("finds a code created right after a lookup missed it", async () => {
    const visitor = stack.client();
    assert.equal((await visitor.get("/api/refcodes/resolve/LateComer")).status, 404);
    const { client } = await signedIn();
    assert.equal((await client.post("/api/refcodes", { vanity: "LateComer" })).status, 201);
    assert.equal((await visitor.get("/api/refcodes/resolve/LateComer")).status, 200);
  });
});

describe("the OpenAPI document", () => {
  it("describes every registry route with its responses", async () => {
    const doc = (await stack.client().get("/api/openapi.json")).body;
    const op = (path: string, method: string) => doc.paths[path]?.[method];
    assert.deepEqual(Object.keys(op("/api/refcodes", "post").responses).sort(), ["201", "400", "401", "403", "409"]);
    assert.ok(op("/api/refcodes", "get").responses["200"]);
    assert.deepEqual(Object.keys(op("/api/refcodes/{code}/deactivate", "post").responses).sort(), [
      "200",
      "400",
      "401",
      "404",
    ]);
    assert.ok(op("/api/refcodes/{code}/reactivate", "post").responses["409"]);
    assert.deepEqual(Object.keys(op("/api/refcodes/resolve/{code}", "get").responses).sort(), ["200", "400", "404"]);
    assert.ok(doc.components.schemas.Refcode);
  });
});
