// INDEXER_VIEWS_SCHEMA is spliced into SQL (a schema name cannot be a parameter), so the config
// accepts plain lower-case identifiers only.
import assert from "node:assert/strict";
import { it } from "node:test";
import { ConfigError, loadConfig } from "../config.ts";

it("test_config_indexerViewsSchema_defaultsAndAcceptsIdentifiers", () => {
  assert.equal(loadConfig({}).indexerViewsSchema, "refcodes_indexer");
  assert.equal(loadConfig({ INDEXER_VIEWS_SCHEMA: "_ponder_views_2" }).indexerViewsSchema, "_ponder_views_2");
  assert.equal(loadConfig({ INDEXER_VIEWS_SCHEMA: "a".repeat(45) }).indexerViewsSchema, "a".repeat(45));
});

it("test_config_indexerViewsSchema_unsafeNamesAreRefusedByName", () => {
  for (const bad of ['x"; drop table users; --', "Views", "1views", "a".repeat(46), "public.payout", "my-views"]) {
    assert.throws(
      () => loadConfig({ INDEXER_VIEWS_SCHEMA: bad }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.some((problem) =>
          problem.startsWith("INDEXER_VIEWS_SCHEMA: expected a lower-case SQL identifier"),
        ),
      bad,
    );
  }
});
