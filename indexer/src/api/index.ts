// Ponder's own API: GraphQL over the indexer's tables (at / and /graphql) and the SQL-over-HTTP
// client endpoint. The GraphQL keeps Ponder's depth and size limits on, stated here.
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { client, graphql } from "ponder";

const limits = { maxOperationDepth: 20, maxOperationTokens: 1_000, maxOperationAliases: 30 };

const app = new Hono();
app.use("/sql/*", client({ db, schema }));
app.use("/", graphql({ db, schema }, limits));
app.use("/graphql", graphql({ db, schema }, limits));

export default app;
