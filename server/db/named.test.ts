import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, stopEmbedded, type TestDatabase } from "../test/harness.ts";
import { type Database, openDatabase } from "./client.ts";
import { named, runNamed } from "./named.ts";

const doubled = named("test_named_doubled", "select n * 2 as twice from unnest($1::int8[]) as batch (n) order by n");
const preparedHere = named(
  "test_named_prepared_here",
  "select name, statement from pg_prepared_statements where name = $1",
);

describe("runNamed", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  before(async () => {
    testDatabase = await createTestDatabase();
    database = openDatabase(testDatabase.url, { max: 1 });
  });
  after(async () => {
    await database?.close();
    await testDatabase?.drop();
    await stopEmbedded();
  });

  it("test_runNamed_onThePool_returnsRowsAndStaysPreparedOnTheConnection", async () => {
    assert.deepEqual(await runNamed(database.db, doubled, [[1, 2, 3]]), [{ twice: 2 }, { twice: 4 }, { twice: 6 }]);
    // One connection in the pool: the statement is now prepared there, under its name.
    const [row] = await runNamed<{ name: string; statement: string }>(database.db, preparedHere, [doubled.name]);
    assert.equal(row?.statement, doubled.text);
    assert.deepEqual(await runNamed(database.db, doubled, [[5]]), [{ twice: 10 }]);
  });

  it("test_runNamed_inATransaction_runsOnTheTransactionsConnection", async () => {
    await database.db.execute("create table named_probe (n int8)");
    const insert = named("test_named_insert", "insert into named_probe select unnest($1::int8[])");
    await assert.rejects(
      database.db.transaction(async (tx) => {
        await runNamed(tx, insert, [[1, 2]]);
        throw new Error("roll back");
      }),
      /roll back/,
    );
    const { rows } = await database.pool.query("select count(*)::int8 as n from named_probe");
    assert.equal(rows[0].n, 0, "the insert belonged to the rolled-back transaction");
  });

  it("test_named_sameNameTwice_throws", () => {
    assert.throws(() => named(doubled.name, "select 1"), /test_named_doubled is used twice/);
  });
});
