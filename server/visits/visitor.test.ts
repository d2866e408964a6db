// Visitor identity on a real HTTP server (the socket address is part of it): cookie parsing,
// the key's inputs, and X-Forwarded-For only when TRUST_PROXY says so.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import type { AppEnv } from "../http/context.ts";
import {
  clientAddress,
  formatVisitorCookie,
  identifyVisitor,
  parseVisitorCookie,
  visitorCookieValue,
  utcDayNumber,
  utcDayString,
  VISITOR_COOKIE,
  type Visitor,
  visitorKey,
} from "./visitor.ts";

const salt = "c2FsdC1mb3ItdGhlLXZpc2l0b3ItdGVzdHM=";
const DAY = utcDayNumber(Date.UTC(2030, 0, 2));
let server: ServerType;
let base: string;

before(async () => {
  const app = new Hono<AppEnv>();
  app.get("/address/:hops", (c) => c.text(clientAddress(c, Number(c.req.param("hops")))));
  app.get("/visitor", (c) => c.json(identifyVisitor(c, salt, DAY, 0)));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });
const visitorFor = async (headers: Record<string, string>) =>
  (await (await get("/visitor", headers)).json()) as Visitor;

describe("visitor identity", () => {
  it("uses the socket address unless proxies are trusted, then counts hops back through X-Forwarded-For", async () => {
    const xff = { "x-forwarded-for": "203.0.113.7, 198.51.100.1, 10.0.0.2" };
    assert.equal(await (await get("/address/0", xff)).text(), "127.0.0.1");
    assert.equal(await (await get("/address/1", xff)).text(), "10.0.0.2");
    assert.equal(await (await get("/address/2", xff)).text(), "198.51.100.1");
    assert.equal(await (await get("/address/3", xff)).text(), "203.0.113.7");
    assert.equal(await (await get("/address/5", xff)).text(), "203.0.113.7", "never past the header's first entry");
    assert.equal(await (await get("/address/1")).text(), "127.0.0.1");
  });

  it("keys a visitor by address and user agent until the day after its cookie was issued", async () => {
    const ua = { "user-agent": "Mozilla/5.0 test" };
    const clientKey = visitorKey(salt, ["client", String(DAY), "127.0.0.1", "Mozilla/5.0 test"]);

    const fresh = await visitorFor(ua);
    assert.equal(fresh.key, clientKey);
    assert.match(fresh.key, /^[0-9a-f]{32}$/);
    assert.equal(fresh.newCookie!.issuedDay, DAY);
    assert.match(fresh.newCookie!.id, /^[A-Za-z0-9_-]{22}$/);

    const issuedToday = formatVisitorCookie({ id: fresh.newCookie!.id, issuedDay: DAY });
    const sameDay = await visitorFor({ ...ua, cookie: `${VISITOR_COOKIE}=${issuedToday}` });
    assert.deepEqual(sameDay, { key: clientKey }, "the day of issue: the same key as the cookie-less request");

    const returning = formatVisitorCookie({ id: fresh.newCookie!.id, issuedDay: DAY - 1 });
    const next = await visitorFor({ ...ua, cookie: `${VISITOR_COOKIE}=${returning}` });
    assert.deepEqual(next, { key: visitorKey(salt, ["cookie", String(DAY), fresh.newCookie!.id]) });

    const malformed = await visitorFor({ ...ua, cookie: `${VISITOR_COOKIE}=garbage` });
    assert.equal(malformed.key, clientKey);
    assert.ok(malformed.newCookie, "a malformed cookie is replaced");
  });

  it("parses only well-formed cookies and writes UTC days", () => {
    assert.deepEqual(parseVisitorCookie("AAAAAAAAAAAAAAAAAAAAAA.20000"), {
      id: "AAAAAAAAAAAAAAAAAAAAAA",
      issuedDay: 20000,
    });
    for (const bad of [
      undefined,
      "",
      "short.1",
      "AAAAAAAAAAAAAAAAAAAAAA",
      "AAAAAAAAAAAAAAAAAAAAAA.x",
      "AAAAAAAAAAAAAAAAAAAA!A.1",
    ]) {
      assert.equal(parseVisitorCookie(bad), undefined, String(bad));
    }
    assert.equal(visitorCookieValue(`${VISITOR_COOKIE}=A.1`), "A.1");
    assert.equal(visitorCookieValue(`a=1; ${VISITOR_COOKIE}=A.1; b=2`), "A.1");
    assert.equal(visitorCookieValue(`a=1;${VISITOR_COOKIE}=A.1`), "A.1");
    assert.equal(visitorCookieValue(`x${VISITOR_COOKIE}=B.1; ${VISITOR_COOKIE}=A.1`), "A.1");
    assert.equal(visitorCookieValue(`x${VISITOR_COOKIE}=B.1`), undefined);
    assert.equal(visitorCookieValue(undefined), undefined);
    assert.equal(utcDayString(DAY), "2030-01-02");
    assert.equal(utcDayString(DAY + 1), "2030-01-03");
    assert.equal(utcDayNumber(Date.UTC(2030, 0, 2, 23, 59, 59, 999)), DAY);
    assert.equal(utcDayNumber(Date.UTC(2030, 0, 3)), DAY + 1);
    assert.notEqual(visitorKey(salt, ["a", "bc"]), visitorKey(salt, ["ab", "c"]));
    assert.notEqual(visitorKey(salt, ["x"]), visitorKey("another salt", ["x"]));
  });
});
