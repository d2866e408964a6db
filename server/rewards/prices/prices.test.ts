import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Address, createPublicClient, http, type PublicClient } from "viem";
import { type Anvil, startAnvil } from "../../../scripts/lib/anvil.ts";
import { anvilKeys } from "../../../scripts/lib/anvil-accounts.ts";
import { type Clients, connect } from "../../../scripts/lib/clients.ts";
import { type Database, openDatabase, runMigrations } from "../../db/client.ts";
import { deployFeed, setRound } from "../../test/feeds.ts";
import { ApiError } from "../../http/errors.ts";
import { createTestDatabase, stopEmbedded, type TestDatabase } from "../../test/harness.ts";
import { readAggregatorPrice } from "./aggregator.ts";
import { InvalidDeskRateError, readDeskRate, setDeskRate } from "./desk.ts";
import { PriceUnavailableError, type PriceUnavailableReason } from "./errors.ts";
import { InvalidPriceSourceError, resolvePrice, setPriceSource } from "./source.ts";
import { closedPortUrl } from "../../test/fixtures.ts";

let anvil: Anvil;
let clients: Clients;
let client: PublicClient;
let testDb: TestDatabase;
let database: Database;

before(async () => {
  anvil = await startAnvil();
  clients = await connect(anvil.rpcUrl, anvilKeys.deployer);
  client = clients.publicClient as PublicClient;
  testDb = await createTestDatabase();
  database = openDatabase(testDb.url);
  await runMigrations(database);
});

after(async () => {
  await database?.close();
  await testDb?.drop();
  await stopEmbedded();
  await anvil?.stop();
});

async function chainNow(): Promise<{ seconds: bigint; date: Date }> {
  const block = await client.getBlock();
  return { seconds: block.timestamp, date: new Date(Number(block.timestamp) * 1000) };
}

async function rejects(promise: Promise<unknown>, reason: PriceUnavailableReason) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof PriceUnavailableError, String(error));
    assert.equal(error.reason, reason, error.message);
    assert.match(error.message, new RegExp(reason));
    return true;
  });
}

describe("readAggregatorPrice", () => {
  it("reads a fresh answer with its decimals, round and time", async () => {
    const feed = await deployFeed(clients, 250_000_000n, 8);
    const now = await chainNow();
    const price = await readAggregatorPrice(client, feed, { maxAgeSeconds: 60, now: now.date });
    assert.equal(price.answer, 250_000_000n);
    assert.equal(price.decimals, 8);
    assert.equal(price.source, `aggregator:${feed}`);
    assert.equal(price.round, "1");
    assert.equal(price.at.getTime(), now.date.getTime());
    // Without `now`, the wall clock (anvil follows it).
    assert.equal((await readAggregatorPrice(client, feed, { maxAgeSeconds: 3_600 })).answer, 250_000_000n);
  });

  it("rejects an answer older than the maximum age, and accepts one exactly at it", async () => {
    const feed = await deployFeed(clients, 100_000_000n);
    const now = await chainNow();
    const old = now.seconds - 7_200n;
    await setRound(clients, feed, {
      roundId: 2n,
      answer: 101_000_000n,
      startedAt: old,
      updatedAt: old,
      answeredInRound: 2n,
    });
    await rejects(readAggregatorPrice(client, feed, { maxAgeSeconds: 3_600, now: now.date }), "stale");
    await rejects(readAggregatorPrice(client, feed, { maxAgeSeconds: 7_199, now: now.date }), "stale");
    const atLimit = await readAggregatorPrice(client, feed, { maxAgeSeconds: 7_200, now: now.date });
    assert.equal(atLimit.answer, 101_000_000n);
    assert.equal(atLimit.round, "2");
  });

  it("rejects a zero or negative answer", async () => {
    const zero = await deployFeed(clients, 0n);
    const negative = await deployFeed(clients, -5n);
    const now = (await chainNow()).date;
    await rejects(readAggregatorPrice(client, zero, { maxAgeSeconds: 3_600, now }), "non_positive");
    await rejects(readAggregatorPrice(client, negative, { maxAgeSeconds: 3_600, now }), "non_positive");
  });

  it("rejects an incomplete round", async () => {
    const now = await chainNow();
    const carried = await deployFeed(clients, 100_000_000n);
    // Round 3 carries round 2's answer: answeredInRound < roundId.
    await setRound(clients, carried, {
      roundId: 3n,
      answer: 100_000_000n,
      startedAt: now.seconds,
      updatedAt: now.seconds,
      answeredInRound: 2n,
    });
    await rejects(readAggregatorPrice(client, carried, { maxAgeSeconds: 3_600, now: now.date }), "incomplete_round");

    const started = await deployFeed(clients, 100_000_000n);
    // Round 2 started but never updated.
    await setRound(clients, started, {
      roundId: 2n,
      answer: 100_000_000n,
      startedAt: now.seconds,
      updatedAt: 0n,
      answeredInRound: 2n,
    });
    await rejects(readAggregatorPrice(client, started, { maxAgeSeconds: 3_600, now: now.date }), "incomplete_round");
  });

  it("reports an unreachable RPC or a feed that is not a contract", async () => {
    const feed = await deployFeed(clients, 100_000_000n);
    const down = createPublicClient({ transport: http(await closedPortUrl(), { retryCount: 0 }) }) as PublicClient;
    await rejects(readAggregatorPrice(down, feed, { maxAgeSeconds: 3_600 }), "unreachable");
    await rejects(
      readAggregatorPrice(client, "0x000000000000000000000000000000000000dEaD", { maxAgeSeconds: 3_600 }),
      "unreachable",
    );
  });
});

describe("desk rates", () => {
  it("sets, reads and updates a rate", async () => {
    await rejects(readDeskRate(database.db, "EUR"), "no_rate");
    const before = Date.now();
    const set = await setDeskRate(database.db, { currency: "EUR", answer: 92_000_000n, decimals: 8, setBy: "0xadmin" });
    assert.equal(set.answer, 92_000_000n);
    const read = await readDeskRate(database.db, "EUR");
    assert.deepEqual(
      { ...read, at: undefined },
      { answer: 92_000_000n, decimals: 8, source: "desk", round: null, at: undefined },
    );
    assert.ok(read.at.getTime() >= before - 1_000);

    // A huge rate survives the numeric(78, 0) round trip exactly.
    const huge = 10n ** 70n + 12_345n;
    await setDeskRate(database.db, { currency: "EUR", answer: huge, decimals: 2, setBy: "0xother" });
    const updated = await readDeskRate(database.db, "EUR");
    assert.equal(updated.answer, huge);
    assert.equal(updated.decimals, 2);
  });

  it("refuses a non-positive rate or bad decimals", async () => {
    await assert.rejects(
      setDeskRate(database.db, { currency: "GBP", answer: 0n, decimals: 8, setBy: "a" }),
      InvalidDeskRateError,
    );
    await assert.rejects(
      setDeskRate(database.db, { currency: "GBP", answer: -1n, decimals: 8, setBy: "a" }),
      InvalidDeskRateError,
    );
    await assert.rejects(
      setDeskRate(database.db, { currency: "GBP", answer: 1n, decimals: 78, setBy: "a" }),
      InvalidDeskRateError,
    );
    // An ApiError: a route lets it through and the client gets a 400 naming the problem.
    await assert.rejects(
      setDeskRate(database.db, { currency: "GBP", answer: 0n, decimals: 8, setBy: "a" }),
      (error: unknown) => error instanceof ApiError && error.status === 400 && error.code === "invalid_desk_rate",
    );
    await rejects(readDeskRate(database.db, "GBP"), "no_rate");
  });
});

describe("resolvePrice", () => {
  it("reports a currency without a source", async () => {
    await rejects(resolvePrice({ db: database.db, client }, "CHF"), "no_source");
  });

  it("reads the aggregator of an aggregator source, with its maximum age", async () => {
    const feed = await deployFeed(clients, 150_000_000n);
    const row = await setPriceSource(database.db, {
      currency: "USD",
      kind: "aggregator",
      feed: feed.toLowerCase() as Address,
      maxAgeSeconds: 600,
      updatedBy: "0xadmin",
    });
    assert.equal(row.feed, feed); // stored checksummed
    const now = await chainNow();
    const price = await resolvePrice({ db: database.db, client }, "USD", now.date);
    assert.equal(price.answer, 150_000_000n);
    assert.equal(price.source, `aggregator:${feed}`);
    await rejects(resolvePrice({ db: database.db, client }, "USD", new Date(now.date.getTime() + 601_000)), "stale");
    await rejects(resolvePrice({ db: database.db, client: undefined }, "USD", now.date), "unreachable");
  });

  it("reads the desk rate of a desk source, and switches sources", async () => {
    await setPriceSource(database.db, { currency: "JPY", kind: "desk", updatedBy: "0xadmin" });
    await rejects(resolvePrice({ db: database.db, client }, "JPY"), "no_rate");
    await setDeskRate(database.db, { currency: "JPY", answer: 15_050n, decimals: 2, setBy: "0xadmin" });
    const desk = await resolvePrice({ db: database.db, client }, "JPY");
    assert.deepEqual([desk.answer, desk.decimals, desk.source, desk.round], [15_050n, 2, "desk", null]);

    const feed = await deployFeed(clients, 14_900_000_000n);
    await setPriceSource(database.db, { currency: "JPY", kind: "aggregator", feed, updatedBy: "0xadmin" });
    const fromFeed = await resolvePrice({ db: database.db, client }, "JPY");
    assert.equal(fromFeed.source, `aggregator:${feed}`);
    assert.equal(fromFeed.answer, 14_900_000_000n);
  });

  it("refuses an aggregator source without a valid feed or with a bad maximum age", async () => {
    await assert.rejects(
      setPriceSource(database.db, { currency: "CAD", kind: "aggregator", feed: "0x123" as Address, updatedBy: "a" }),
      InvalidPriceSourceError,
    );
    await assert.rejects(
      setPriceSource(database.db, { currency: "CAD", kind: "desk", maxAgeSeconds: 0, updatedBy: "a" }),
      (error: unknown) =>
        error instanceof InvalidPriceSourceError &&
        error instanceof ApiError &&
        error.status === 400 &&
        error.code === "invalid_price_source",
    );
    await rejects(resolvePrice({ db: database.db, client }, "CAD"), "no_source");
  });
});
