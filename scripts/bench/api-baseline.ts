// The benchmark's baseline: the original design's visit counter, a read-modify-write per request
// on one table (BEGIN; SELECT visits; UPDATE ... SET visits = <read + 1>; COMMIT). It lives only
// here, mounted by the benchmark's server process next to the real beacon, behind the same
// middleware (request id and log line, metrics) and the same body validation and code lookup.
// Under concurrency it loses visits (two requests read the same value); the benchmark reports it.
import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps } from "../../server/deps.ts";
import { ApiError, notFound } from "../../server/http/errors.ts";
import type { Router } from "../../server/http/openapi.ts";
import type { RefcodeCache } from "../../server/refcodes/cache.ts";
import { utcDayNumber, utcDayString } from "../../server/visits/visitor.ts";

export const BASELINE_PATH = "/bench/baseline/track";

export const BASELINE_TABLE_SQL = `create table if not exists bench_visit_counter (
  code_id uuid not null, day date not null, visits int not null, primary key (code_id, day))`;

/** Adds the baseline route to the server's app; call before the first request. */
export function installBaseline(app: Router, deps: AppDeps, codes: RefcodeCache): void {
  const { pool } = deps.database;
  app.openapi(
    createRoute({
      method: "post",
      path: BASELINE_PATH,
      request: {
        body: {
          content: { "application/json": { schema: z.object({ code: z.string().min(1).max(64) }) } },
          required: true,
        },
      },
      responses: { 204: { description: "Counted" } },
    }),
    async (c) => {
      const { code } = c.req.valid("json");
      const refcode = await codes.resolve(code);
      if (!refcode?.active) throw notFound("unknown_code", `no active referral code "${code}"`);
      const day = utcDayString(utcDayNumber(Date.now()));
      const client = await pool.connect();
      try {
        await client.query("begin");
        const { rows } = await client.query<{ visits: number }>(
          "select visits from bench_visit_counter where code_id = $1 and day = $2",
          [refcode.id, day],
        );
        if (rows[0]) {
          await client.query("update bench_visit_counter set visits = $3 where code_id = $1 and day = $2", [
            refcode.id,
            day,
            rows[0].visits + 1,
          ]);
        } else {
          await client.query("insert into bench_visit_counter values ($1, $2, 1) on conflict do nothing", [
            refcode.id,
            day,
          ]);
        }
        await client.query("commit");
        client.release();
      } catch (error) {
        await client.query("rollback").catch(() => {});
        client.release(error as Error);
        throw new ApiError(503, "visit_not_stored", (error as Error).message);
      }
      c.header("Cache-Control", "no-store");
      return c.body(null, 204);
    },
  );
}
