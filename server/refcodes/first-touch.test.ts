import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { newAccount, signIn, siweMessage, startTestStack, type TestClient, type TestStack } from "../test/harness.ts";
import { Hono } from "hono";
import { loadConfig } from "../config.ts";
import { firstTouch, REF_COOKIE, refOf } from "./first-touch.ts";
import type { RefcodeRecord } from "./lookup.ts";

let stack: TestStack;
let owner: TestClient;
before(async () => {
  stack = await startTestStack();
  owner = stack.client();
  await signIn(owner);
  for (const vanity of ["Firsty", "Second", "Toggled"]) {
    const created = await owner.post("/api/refcodes", { vanity });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }
});
after(() => stack?.stop());

const DAY = 86_400;

/** The ring_ref Set-Cookie line of a response, split into its value and attributes. */
function refCookie(setCookies: string[]) {
  const line = setCookies.find((cookie) => cookie.startsWith(`${REF_COOKIE}=`));
  if (!line) return undefined;
  const [pair, ...attributes] = line.split(";").map((part) => part.trim());
  return { value: pair!.slice(REF_COOKIE.length + 1), attributes: attributes.map((a) => a.toLowerCase()) };
}

async function visit(client: TestClient, path: string) {
  const response = await client.get(path);
  assert.equal(response.status, 200, `${path}: ${response.status}`);
  return refCookie(response.setCookies);
}

describe("first-touch capture", () => {
  it("sets an httpOnly, Lax, 30-day cookie with the code's display form for ?ref on a page", async () => {
    const visitor = stack.client();
    const cookie = await visit(visitor, "/?ref=firsty");
    assert.ok(cookie, "a ring_ref cookie is set");
    assert.equal(cookie.value, "Firsty");
    assert.ok(cookie.attributes.includes("httponly"));
    assert.ok(cookie.attributes.includes("samesite=lax"));
    assert.ok(cookie.attributes.includes(`max-age=${30 * DAY}`));
    assert.ok(cookie.attributes.includes("path=/"));
    assert.ok(!cookie.attributes.includes("secure"), "no Secure on a localhost PUBLIC_URL");
    assert.equal(visitor.cookies.get(REF_COOKIE), "Firsty");
  });

  it("captures on any app page, not only the root", async () => {
    assert.equal((await visit(stack.client(), "/store?ref=Firsty"))?.value, "Firsty");
    assert.equal((await visit(stack.client(), "/store/items/42?utm_source=x&ref=SECOND"))?.value, "Second");
  });

  it("lets the first touch win: a later ?ref does not overwrite the cookie", async () => {
    const visitor = stack.client();
    assert.equal((await visit(visitor, "/?ref=Firsty"))?.value, "Firsty");
    assert.equal(await visit(visitor, "/store?ref=Second"), undefined);
    assert.equal(await visit(visitor, "/r/Second"), undefined);
    assert.equal(visitor.cookies.get(REF_COOKIE), "Firsty");
    // Even a cookie with a code that no longer means anything is kept: it is the first touch.
    const returning = stack.client();
    returning.cookies.set(REF_COOKIE, "SomethingElse");
    assert.equal(await visit(returning, "/?ref=Firsty"), undefined);
  });

  it("takes the code from a /r/CODE share link", async () => {
    const visitor = stack.client();
    const cookie = await visit(visitor, "/r/second");
    assert.equal(cookie?.value, "Second");
    assert.ok(cookie.attributes.includes("httponly"));
    assert.equal((await visit(stack.client(), "/r/FIRSTY/"))?.value, "Firsty", "a trailing slash is fine");
  });

  it("sets nothing for an unknown, malformed or empty code", async () => {
    for (const path of [
      "/?ref=NoSuchCode",
      "/?ref=",
      "/?ref=%ZZ",
      "/?ref=a%20b",
      `/?ref=${"x".repeat(300)}`,
      "/?ref=%3Cscript%3E",
      "/r/NoSuchCode",
      "/r/",
      "/r/Firsty/extra",
    ]) {
      const visitor = stack.client();
      assert.equal(await visit(visitor, path), undefined, path);
      assert.equal(visitor.cookies.size, 0, path);
    }
  });

  it("sets nothing for API paths or non-GET requests", async () => {
    const visitor = stack.client();
    const api = await visitor.get("/api/auth/nonce?ref=Firsty");
    assert.equal(api.status, 200);
    assert.equal(refCookie(api.setCookies), undefined);
    const resolve = await visitor.get("/api/refcodes/resolve/Firsty?ref=Firsty");
    assert.equal(resolve.status, 200);
    assert.equal(refCookie(resolve.setCookies), undefined);
    const missing = await visitor.get("/api/nothing-here?ref=Firsty");
    assert.equal(missing.status, 404);
    assert.equal(refCookie(missing.setCookies), undefined);
    const post = await visitor.post("/?ref=Firsty");
    assert.equal(refCookie(post.setCookies), undefined);
    assert.equal(visitor.cookies.size, 0);
    // HEAD is a GET without the body: it captures.
    const head = await stack.client().request("HEAD", "/?ref=Firsty");
    assert.equal(head.status, 200);
    assert.equal(refCookie(head.setCookies)?.value, "Firsty");
  });

  it("stops capturing the moment a code is deactivated, and resumes on reactivation", async () => {
    // Warm the lookup cache with the active code first.
    assert.equal((await visit(stack.client(), "/?ref=Toggled"))?.value, "Toggled");
    assert.equal((await owner.post("/api/refcodes/Toggled/deactivate")).status, 200);
    assert.equal(await visit(stack.client(), "/?ref=Toggled"), undefined);
    assert.equal(await visit(stack.client(), "/r/toggled"), undefined);
    assert.equal((await owner.post("/api/refcodes/Toggled/reactivate")).status, 200);
    assert.equal((await visit(stack.client(), "/?ref=TOGGLED"))?.value, "Toggled");
  });

  it("captures a code created right after an unknown-code visit", async () => {
    assert.equal(await visit(stack.client(), "/?ref=BrandNew"), undefined);
    assert.equal((await owner.post("/api/refcodes", { vanity: "BrandNew" })).status, 201);
    assert.equal((await visit(stack.client(), "/?ref=brandnew"))?.value, "BrandNew");
  });

  it("feeds sign-up attribution: a visitor who signs up after a first touch is referred", async () => {
    const visitor = stack.client();
    await visit(visitor, "/r/Firsty");
    const { session } = await signIn(visitor, newAccount());
    const current = (await visitor.get("/api/auth/session")).body;
    assert.equal(current.userId, session.userId);
    assert.equal(current.signupAttribution, "accepted");
    assert.equal(current.referredByUserId, (await owner.get("/api/auth/session")).body.userId);
  });
});

describe("first-touch capture behind https", () => {
  let secure: TestStack;
  let created: { code: string; url: string };
  before(async () => {
    secure = await startTestStack({ env: { PUBLIC_URL: "https://refcodes.example", REF_COOKIE_DAYS: "7" } });
    const client = secure.client();
    const account = newAccount();
    const message = await siweMessage(client, account.address, {
      domain: "refcodes.example",
      uri: "https://refcodes.example/",
    });
    const signature: Hex = await account.signMessage({ message });
    assert.equal((await client.post("/api/auth/verify", { message, signature })).status, 200);
    const response = await client.post("/api/refcodes", { vanity: "Secured" });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    created = response.body;
  });
  after(() => secure?.stop());

  it("marks the cookie Secure and uses REF_COOKIE_DAYS", async () => {
    const response = await secure.client().get("/?ref=secured");
    const cookie = refCookie(response.setCookies);
    assert.equal(cookie?.value, "Secured");
    assert.ok(cookie.attributes.includes("secure"));
    assert.ok(cookie.attributes.includes("httponly"));
    assert.ok(cookie.attributes.includes("samesite=lax"));
    assert.ok(cookie.attributes.includes(`max-age=${7 * DAY}`));
  });

  it("gives share links on the public origin, and they capture", async () => {
    assert.equal(created.url, "https://refcodes.example/r/Secured");
    const visitor = secure.client();
    const response = await visitor.get(new URL(created.url).pathname);
    assert.equal(refCookie(response.setCookies)?.value, "Secured");
  });
});

describe("the first-touch middleware on its own", () => {
  it("reads ?ref first, then a /r/CODE path", () => {
    assert.equal(refOf("/", "abcd"), "abcd");
    assert.equal(refOf("/r/abcd", "efgh"), "efgh");
    assert.equal(refOf("/r/abcd", undefined), "abcd");
    assert.equal(refOf("/r/abcd/", undefined), "abcd");
    assert.equal(refOf("/r/abcd/more", undefined), undefined);
    assert.equal(refOf("/r/", undefined), undefined);
    assert.equal(refOf("/store/r/abcd", undefined), undefined);
    assert.equal(refOf("/", undefined), undefined);
  });

  it("looks up only text shaped like a code, only on GET and HEAD, only without a cookie", async () => {
    const looked: string[] = [];
    const record: RefcodeRecord = { id: "id", code: "Shaped", userId: "user", wallet: "0x0", active: true };
    const app = new Hono()
      .use(
        "*",
        firstTouch(loadConfig({}), async (code) => (looked.push(code), record)),
      )
      .all("*", (c) => c.text("page"));
    const junk = ["/?ref=a%20b", `/?ref=${"x".repeat(300)}`, "/?ref=%3Cb%3E", "/?ref=-abc", "/r/.."];
    for (const path of junk) assert.equal((await app.request(path)).headers.getSetCookie().length, 0, path);
    assert.deepEqual(looked, []);
    assert.equal((await app.request("/?ref=Shaped", { method: "POST" })).headers.getSetCookie().length, 0);
    assert.equal(
      (await app.request("/?ref=Shaped", { headers: { cookie: "ring_ref=Earlier" } })).headers.getSetCookie().length,
      0,
    );
    assert.deepEqual(looked, []);
    const page = await app.request("/?ref=%20shaped%20");
    assert.equal(await page.text(), "page");
    assert.deepEqual(looked, ["shaped"]);
    assert.match(page.headers.getSetCookie()[0] ?? "", /^ring_ref=Shaped;/);
  });
});
