// Hot statements by name. Postgres parses and plans a named statement once per connection; the
// batch paths keep their text constant by passing arrays (unnest, = any) instead of one parameter
// per value. drizzle names only its own query builders (`.prepare(name)`), so raw statements go to
// the pg client under the drizzle handle: the pool for a database, the connection of a transaction.
import type pg from "pg";
import type { Db, Tx } from "./client.ts";

export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

const names = new Set<string>();

/** pg refuses a name reused with another text on the same connection; refuse it at load time. */
export function named(name: string, text: string): NamedStatement {
  if (names.has(name)) throw new Error(`the statement name ${name} is used twice`);
  names.add(name);
  return { name, text };
}

type Queryable = Pick<pg.Pool, "query">;

function clientOf(on: Db | Tx): Queryable {
  const client = (on as unknown as { session?: { client?: Queryable } }).session?.client;
  if (typeof client?.query !== "function") throw new Error("no pg client under this drizzle handle");
  return client;
}

export async function runNamed<Row extends pg.QueryResultRow = pg.QueryResultRow>(
  on: Db | Tx,
  statement: NamedStatement,
  values: readonly unknown[],
): Promise<Row[]> {
  const result = await clientOf(on).query<Row>({ name: statement.name, text: statement.text, values: [...values] });
  return result.rows;
}
