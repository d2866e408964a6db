import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import pg from "pg";
import { startEmbeddedPostgres } from "./embedded.ts";

it("test_startEmbeddedPostgres_portTakenMeanwhile_startsOnAnotherPort", async () => {
  // A port that was free when picked and is taken by the time PostgreSQL binds it.
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
  const taken = (squatter.address() as { port: number }).port;
  const ports = [taken];
  const dir = mkdtempSync(join(tmpdir(), "refcodes-pg-port-"));
  const picked: number[] = [];
  const database = await startEmbeddedPostgres(dir, {
    persistent: false,
    pickPort: async () => {
      const port = ports.shift() ?? (await freeLater());
      picked.push(port);
      return port;
    },
  });
  try {
    assert.equal(picked[0], taken);
    assert.equal(picked.length, 2, "a second port was picked");
    assert.equal(database.port, picked[1]);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    assert.equal((await client.query("select 1 as one")).rows[0].one, 1);
    await client.end();
  } finally {
    await database.stop();
    squatter.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

async function freeLater(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
