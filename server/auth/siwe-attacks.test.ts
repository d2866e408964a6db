// Sign-in with Ethereum against the real server, chain and database: every way a message can be
// wrong is refused with its own code and no session; contract wallets (ERC-1271, and ERC-6492
// before they are deployed) sign in like EOAs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Address, encodeFunctionData, type Hex, serializeErc6492Signature } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { readArtifact } from "../../scripts/lib/artifacts.ts";
import { type Clients, connect } from "../../scripts/lib/clients.ts";
import { deployArtifact } from "../../scripts/lib/deploy.ts";
import { newAccount, siweMessage, startTestStack, type TestStack } from "../test/harness.ts";
import { assertRejected, query, sessionCookieLine, signedSiwe, startExtraServer } from "./test-fixtures.ts";

let stack: TestStack;
let chain: Clients;
before(async () => {
  stack = await startTestStack();
  chain = await connect(stack.anvil.rpcUrl, anvilKeys.alice);
});
after(() => stack?.stop());

const verify = (client = stack.client(), body: { message: string; signature: string }) =>
  client.post("/api/auth/verify", body);

/** Signs a message built with `fields` and posts it; the response must be a rejection. */
async function expectRejected(fields: Parameters<typeof siweMessage>[2], status: number, code: string) {
  const client = stack.client();
  const response = await verify(client, await signedSiwe(client, newAccount(), fields));
  assertRejected(response, status, code);
  assert.equal(client.cookies.size, 0);
  return response;
}

const minutes = (n: number) => new Date(Date.now() + n * 60_000);

describe("SIWE: replays", () => {
  it("refuses the same signed message twice (siwe_nonce_invalid)", async () => {
    const account = newAccount();
    const body = await signedSiwe(stack.client(), account);
    const first = await verify(stack.client(), body);
    assert.equal(first.status, 200);
    assert.ok(sessionCookieLine(first));
    const replay = stack.client();
    assertRejected(await verify(replay, body), 401, "siwe_nonce_invalid");
    assert.equal(replay.cookies.size, 0);
  });

  it("lets exactly one of 20 parallel posts of one signed message through", async () => {
    const account = newAccount();
    const body = await signedSiwe(stack.client(), account);
    const responses = await Promise.all(Array.from({ length: 20 }, () => verify(stack.client(), body)));
    const ok = responses.filter((response) => response.status === 200);
    assert.equal(ok.length, 1, responses.map((response) => response.status).join(","));
    for (const response of responses.filter((r) => r.status !== 200)) {
      assertRejected(response, 401, "siwe_nonce_invalid");
    }
    const sessions = await query(stack, "select count(*)::int as n from sessions where wallet = $1", [account.address]);
    assert.equal(sessions.rows[0].n, 1);
  });

  it("refuses a nonce that expired in the database", async () => {
    const client = stack.client();
    const { nonce } = (await client.get("/api/auth/nonce")).body;
    await query(stack, "update siwe_nonces set expires_at = now() - interval '1 second' where nonce = $1", [nonce]);
    await expectRejected({ nonce }, 401, "siwe_nonce_invalid");
  });

  it("refuses a nonce the server never issued", async () => {
    await expectRejected({ nonce: "0123456789abcdef0123456789abcdef" }, 401, "siwe_nonce_invalid");
  });

  it("issues nonces that are single-use, unguessable and not cached", async () => {
    const first = await stack.client().get("/api/auth/nonce");
    const second = await stack.client().get("/api/auth/nonce");
    assert.match(first.body.nonce, /^[0-9a-f]{32}$/);
    assert.notEqual(first.body.nonce, second.body.nonce);
    assert.equal(first.headers.get("cache-control"), "no-store");
    const ttl = Date.parse(first.body.expiresAt) - Date.now();
    assert.ok(ttl > 9 * 60_000 && ttl <= 10 * 60_000, `ttl ${ttl}`);
  });
});

describe("SIWE: the message's claims", () => {
  it("refuses another domain, and leaves the nonce usable for a correct message", async () => {
    const client = stack.client();
    const account = newAccount();
    const { nonce } = (await client.get("/api/auth/nonce")).body;
    for (const domain of ["evil.example", "localhost:5174", "localhost"]) {
      const message = await siweMessage(client, account.address, { nonce, domain });
      const response = await verify(client, { message, signature: await account.signMessage({ message }) });
      assertRejected(response, 401, "siwe_domain_mismatch");
    }
    const message = await siweMessage(client, account.address, { nonce });
    assert.equal((await verify(client, { message, signature: await account.signMessage({ message }) })).status, 200);
  });

  it("refuses a scheme other than the app's", async () => {
    const client = stack.client();
    const account = newAccount();
    const message = createSiweMessage({
      scheme: "https",
      domain: "localhost:5173",
      uri: "http://localhost:5173/",
      address: account.address,
      chainId: 31337,
      nonce: (await client.get("/api/auth/nonce")).body.nonce,
      version: "1",
      issuedAt: new Date(),
    });
    assert.match(message, /^https:\/\/localhost:5173 wants you/);
    const response = await verify(client, { message, signature: await account.signMessage({ message }) });
    assertRejected(response, 401, "siwe_domain_mismatch");
  });

  it("refuses a URI on another origin", async () => {
    for (const uri of [
      "http://evil.example/",
      "https://localhost:5173/",
      "http://localhost:5174/",
      "http://localhost/",
    ]) {
      await expectRejected({ uri }, 401, "siwe_uri_mismatch");
    }
  });

  it("refuses another chain id", async () => {
    const response = await expectRejected({ chainId: 1 }, 401, "siwe_chain_not_allowed");
    assert.match(response.body.message, /allowed: 31337/);
  });

  it("accepts the chain ids SIWE_CHAIN_IDS lists, and only those", async () => {
    const extra = await startExtraServer(stack, { SIWE_CHAIN_IDS: "8453, 31337" });
    try {
      for (const chainId of [8453, 31337]) {
        const client = extra.client();
        const response = await verify(client, await signedSiwe(client, newAccount(), { chainId }));
        assert.equal(response.status, 200, JSON.stringify(response.body));
      }
      const client = extra.client();
      const response = await verify(client, await signedSiwe(client, newAccount(), { chainId: 10 }));
      assertRejected(response, 401, "siwe_chain_not_allowed");
    } finally {
      await extra.stop();
    }
  });

  it("refuses an expired message", async () => {
    await expectRejected({ issuedAt: minutes(-2), expirationTime: minutes(-1) }, 401, "siwe_expired");
  });

  it("refuses a message whose Not Before is in the future", async () => {
    await expectRejected({ notBefore: minutes(60) }, 401, "siwe_not_yet_valid");
  });

  it("refuses a message issued beyond the clock skew in the future, or long ago", async () => {
    await expectRejected({ issuedAt: minutes(10) }, 401, "siwe_issued_in_future");
    await expectRejected({ issuedAt: minutes(-30) }, 401, "siwe_too_old");
  });

  it("accepts times within the clock skew and a future expiration", async () => {
    const client = stack.client();
    const fields = { issuedAt: minutes(2), notBefore: minutes(1), expirationTime: minutes(5) };
    const response = await verify(client, await signedSiwe(client, newAccount(), fields));
    assert.equal(response.status, 200, JSON.stringify(response.body));
  });
});

describe("SIWE: signatures and malformed input", () => {
  it("refuses a signature by another key, and the nonce is then spent", async () => {
    const client = stack.client();
    const account = newAccount();
    const message = await siweMessage(client, account.address);
    const forged = await newAccount().signMessage({ message });
    assertRejected(await verify(client, { message, signature: forged }), 401, "siwe_bad_signature");
    const genuine = await account.signMessage({ message });
    assertRejected(await verify(client, { message, signature: genuine }), 401, "siwe_nonce_invalid");
  });

  it("refuses a signature over another message", async () => {
    const client = stack.client();
    const account = newAccount();
    const message = await siweMessage(client, account.address);
    const signature = await account.signMessage({ message: message.replace("Sign in to Refcodes", "Sign in") });
    assertRejected(await verify(client, { message, signature }), 401, "siwe_bad_signature");
  });

  it("answers 400 siwe_malformed to text that is no EIP-4361 message", async () => {
    const account = newAccount();
    for (const message of [
      "hello",
      `localhost:5173 wants you to sign in with your Ethereum account:\n${account.address}`,
    ]) {
      const response = await verify(stack.client(), { message, signature: await account.signMessage({ message }) });
      assertRejected(response, 400, "siwe_malformed");
    }
  });

  it("answers 400 siwe_malformed to a date that is not RFC 3339", async () => {
    const client = stack.client();
    const account = newAccount();
    const valid = await siweMessage(client, account.address, { expirationTime: minutes(5) });
    for (const [pattern, replacement] of [
      [/Issued At: .*/, "Issued At: yesterday"],
      [/Expiration Time: .*/, "Expiration Time: never"],
      [/Issued At: .*/, "Issued At: 2026-13-45T99:00:00Z"],
    ] as const) {
      const message = valid.replace(pattern, replacement);
      const response = await verify(client, { message, signature: await account.signMessage({ message }) });
      assertRejected(response, 400, "siwe_malformed");
    }
  });

  it("answers 400 to a signature that is not hex, without spending the nonce", async () => {
    const client = stack.client();
    const account = newAccount();
    const message = await siweMessage(client, account.address);
    for (const signature of ["0xzz", "0x123", "deadbeef", "", "0x"]) {
      assertRejected(await verify(client, { message, signature }), 400, "invalid_request");
    }
    assertRejected(await client.post("/api/auth/verify", { message }), 400, "invalid_request");
    const response = await verify(client, { message, signature: await account.signMessage({ message }) });
    assert.equal(response.status, 200);
  });

  it("refuses well-formed hex that is no signature", async () => {
    const client = stack.client();
    const message = await siweMessage(client, newAccount().address);
    assertRejected(await verify(client, { message, signature: `0x${"00".repeat(65)}` }), 401, "siwe_bad_signature");
  });

  it("answers 400 malformed_json to a body that is not JSON", async () => {
    const response = await stack.client().request("POST", "/api/auth/verify", {
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    assertRejected(response, 400, "malformed_json");
  });
});

describe("SIWE: contract wallets", () => {
  const owner = privateKeyToAccount(anvilKeys.bob);

  it("signs in an ERC-1271 wallet with its owner's signature", async () => {
    const { address: wallet } = await deployArtifact(chain, "MockERC1271Wallet", [owner.address]);
    const client = stack.client();
    const response = await verify(client, await signedSiwe(client, owner, { address: wallet }));
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.wallet, wallet);
    assert.deepEqual(response.body.wallets, [wallet]);
    assert.equal((await client.get("/api/auth/session")).body.wallet, wallet);

    const stranger = stack.client();
    const refused = await verify(stranger, await signedSiwe(stranger, newAccount(), { address: wallet }));
    assertRejected(refused, 401, "siwe_bad_signature");
  });

  it("signs in a counterfactual ERC-6492 wallet (not deployed yet), which stays undeployed", async () => {
    const factory = await deployArtifact(chain, "MockERC1271WalletFactory");
    const factoryAbi = readArtifact("MockERC1271WalletFactory").abi;
    const salt: Hex = `0x${"42".repeat(32)}`;
    const wallet = (await chain.publicClient.readContract({
      address: factory.address,
      abi: factoryAbi,
      functionName: "walletAddress",
      args: [owner.address, salt],
    })) as Address;
    assert.equal(await chain.publicClient.getCode({ address: wallet }), undefined);

    const wrap = (signature: Hex) =>
      serializeErc6492Signature({
        address: factory.address,
        data: encodeFunctionData({ abi: factoryAbi, functionName: "deploy", args: [owner.address, salt] }),
        signature,
      });

    const client = stack.client();
    const { message, signature } = await signedSiwe(client, owner, { address: wallet });
    const response = await verify(client, { message, signature: wrap(signature) });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.wallet, wallet);
    assert.equal(await chain.publicClient.getCode({ address: wallet }), undefined, "verification only simulates");

    const stranger = stack.client();
    const forged = await signedSiwe(stranger, newAccount(), { address: wallet });
    assertRejected(await verify(stranger, { ...forged, signature: wrap(forged.signature) }), 401, "siwe_bad_signature");

    // Deployed later, the same wallet signs in with a plain ERC-1271 signature, as the same user.
    await chain.walletClient.writeContract({
      address: factory.address,
      abi: factoryAbi,
      functionName: "deploy",
      args: [owner.address, salt],
    });
    await waitForCode(wallet);
    const again = stack.client();
    const later = await verify(again, await signedSiwe(again, owner, { address: wallet }));
    assert.equal(later.status, 200, JSON.stringify(later.body));
    assert.equal(later.body.userId, response.body.userId);
  });
});

describe("SIWE: chain outage", () => {
  it("EOAs still sign in (checked locally), reported as not admin", async () => {
    const down = await startExtraServer(stack, { RPC_URL: "http://127.0.0.1:1" });
    try {
      const client = down.client();
      const response = await verify(client, await signedSiwe(client, newAccount()));
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.isAdmin, false);
    } finally {
      await down.stop();
    }
  });

  it("a contract wallet gets 503 chain_unavailable, and its signed message stays usable", async () => {
    const owner = privateKeyToAccount(anvilKeys.bob);
    const { address: wallet } = await deployArtifact(chain, "MockERC1271Wallet", [owner.address]);
    const down = await startExtraServer(stack, { RPC_URL: "http://127.0.0.1:1" });
    let body: { message: string; signature: Hex };
    try {
      const client = down.client();
      body = await signedSiwe(client, owner, { address: wallet });
      assertRejected(await verify(client, body), 503, "chain_unavailable");
    } finally {
      await down.stop();
    }
    const retry = await verify(stack.client(), body);
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.equal(retry.body.wallet, wallet);
  });
});

async function waitForCode(address: Address) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const code = await chain.publicClient.getCode({ address });
    if (code && code !== "0x") return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no code at ${address}`);
}
