// Property test over every route in the OpenAPI document: whatever the path parameters, body,
// content type and credentials, the server answers 2xx–4xx, never 5xx, and errors are JSON with a message.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { privateKeyToAccount } from "viem/accounts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { createApiKey } from "../auth/api-keys.ts";
import { insertCode } from "../test/fixtures.ts";
import { newAccount, signIn, startTestStack, type TestClient, type TestStack } from "../test/harness.ts";

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  example?: unknown;
}

interface Operation {
  method: string;
  path: string;
  params: string[];
  body: JsonSchema | undefined;
}

let stack: TestStack;
let operations: Operation[];
let clients: Record<"anonymous" | "user" | "admin" | "host", TestClient>;
let knownCode: string;

before(async () => {
  stack = await startTestStack();
  const anonymous = stack.client();
  const user = stack.client();
  await signIn(user);
  const admin = stack.client();
  await signIn(admin, privateKeyToAccount(anvilKeys.deployer));
  const host = stack.client();
  const key = (await createApiKey(stack.server.deps.db, "fuzz")).key;
  clients = {
    anonymous,
    user,
    admin,
    host: Object.assign(host, {
      request: (
        (original) =>
        (method: string, path: string, init: Parameters<TestClient["request"]>[2] = {}) =>
          original(method, path, { ...init, headers: { authorization: `Bearer ${key}`, ...init.headers } })
      )(host.request.bind(host)),
    }),
  };
  knownCode = (await insertCode(stack.server.deps.db, newAccount().address)).code;
  const doc = (await anonymous.get("/api/openapi.json")).body as {
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
      body: operation.requestBody?.content["application/json"]?.schema,
    })),
  );
});
after(() => stack?.stop());

/** Values shaped by the schema, half valid, half hostile. */
function valueFor(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const hostile = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(Number.MAX_SAFE_INTEGER + 2),
    fc.constant("0x" + "f".repeat(40)),
    fc.constant("💥".repeat(50)),
  );
  if (!schema || depth > 3) return hostile;
  const shaped: fc.Arbitrary<unknown>[] = [];
  if (schema.enum) shaped.push(fc.constantFrom(...schema.enum));
  if (schema.example !== undefined) shaped.push(fc.constant(schema.example));
  if (schema.properties) {
    const props = Object.fromEntries(
      Object.entries(schema.properties).map(([name, prop]) => [name, valueFor(prop, depth + 1)]),
    );
    shaped.push(fc.record(props, { requiredKeys: [] }));
  }
  if (schema.items) shaped.push(fc.array(valueFor(schema.items, depth + 1), { maxLength: 4 }));
  return shaped.length > 0 ? fc.oneof(hostile, ...shaped) : hostile;
}

const pathValue = () =>
  fc.oneof(
    fc.string({ minLength: 1, maxLength: 40 }),
    fc.constant(knownCode),
    fc.constant("ord_x"),
    fc.constant("%E0%A4%A"),
    fc.constant("..%2F..%2Fetc"),
    fc.constant("a".repeat(300)),
  );

describe("route fuzzing", () => {
  it("never answers 5xx to any input on any route", async () => {
    assert.ok(operations.length >= 10, `only ${operations.length} operations in the OpenAPI document`);
    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(
          // Signing out would leave the other identities' runs anonymous.
          operation.path === "/api/auth/logout"
            ? fc.constant("anonymous" as const)
            : fc.constantFrom(...(Object.keys(clients) as (keyof typeof clients)[])),
          fc.tuple(...operation.params.map(() => pathValue())),
          fc.oneof(
            valueFor(operation.body).map((json) => ({ body: JSON.stringify(json), type: "application/json" })),
            fc.string().map((body) => ({ body, type: "application/json" })),
            fc.string().map((body) => ({ body, type: "text/plain" })),
          ),
          async (who, params, { body, type }) => {
            let path = operation.path;
            operation.params.forEach((name, i) => {
              path = path.replace(`{${name}}`, encodeURIComponent(String(params[i])));
            });
            const hasBody = operation.method !== "GET" && operation.method !== "HEAD";
            const response = await clients[who].request(operation.method, path, {
              ...(hasBody ? { body } : {}),
              headers: { "content-type": type },
            });
            assert.ok(
              response.status < 500,
              `${operation.method} ${path} as ${who} with ${body.slice(0, 200)} → ${response.status} ${JSON.stringify(response.body)}`,
            );
            if (response.status >= 400) {
              assert.equal(
                typeof response.body?.message,
                "string",
                `${operation.method} ${path}: error without a message`,
              );
            }
          },
        ),
        { numRuns: 60 },
      );
    }
  });
});
