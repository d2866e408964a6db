// Who is an admin: ADMIN_WALLETS, or the holder of DEFAULT_ADMIN_ROLE on the deployed contract,
// read from the real chain and cached for ADMIN_ROLE_CACHE_SECONDS.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { referralRewardsAbi } from "../../deployments/abi.ts";
import { anvilKeys } from "../../scripts/lib/anvil-accounts.ts";
import { type Clients, connect } from "../../scripts/lib/clients.ts";
import { confirm, DEFAULT_ADMIN_ROLE } from "../../scripts/lib/deploy.ts";
import { connectChain } from "../chain.ts";
import { ApiError } from "../http/errors.ts";
import { newAccount, signIn, startTestStack, type TestStack } from "../test/harness.ts";
import { createAdminCheck } from "./admin.ts";
import { startExtraServer } from "./test-fixtures.ts";

const listed = newAccount();
let stack: TestStack;
let deployer: Clients;

before(async () => {
  // Lower-case on purpose: the configured list is matched whatever the case.
  stack = await startTestStack({
    env: { ADMIN_WALLETS: ` ${listed.address.toLowerCase()} ,`, ADMIN_ROLE_CACHE_SECONDS: "1" },
  });
  deployer = await connect(stack.anvil.rpcUrl, anvilKeys.deployer);
});
after(() => stack?.stop());

const contract = () => stack.server.deps.chain.rewards;

async function setAdminRole(wallet: Address, granted: boolean) {
  const hash = await deployer.walletClient.writeContract({
    address: contract(),
    abi: referralRewardsAbi,
    functionName: granted ? "grantRole" : "revokeRole",
    args: [DEFAULT_ADMIN_ROLE, wallet],
  });
  await confirm(deployer, hash, granted ? "grantRole" : "revokeRole");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("admin wallets", () => {
  it("a wallet in ADMIN_WALLETS is admin", async () => {
    const { session } = await signIn(stack.client(), listed);
    assert.equal(session.isAdmin, true);
  });

  it("the holder of DEFAULT_ADMIN_ROLE on the contract (the deployer here) is admin", async () => {
    const account = privateKeyToAccount(anvilKeys.deployer);
    assert.equal(stack.server.deps.chain.deployment.admin, account.address);
    const client = stack.client();
    const { session } = await signIn(client, account);
    assert.equal(session.isAdmin, true);
    assert.equal((await client.get("/api/auth/session")).body.isAdmin, true);
  });

  it("any other wallet is not, and neither is the operator", async () => {
    assert.equal((await signIn(stack.client())).session.isAdmin, false);
    assert.equal((await signIn(stack.client(), privateKeyToAccount(anvilKeys.operator))).session.isAdmin, false);
  });

  it("a grant and a revocation on-chain show after ADMIN_ROLE_CACHE_SECONDS (1 s)", async () => {
    const client = stack.client();
    const account = newAccount();
    const { session } = await signIn(client, account); // caches "not admin"
    const cachedAt = Date.now();
    assert.equal(session.isAdmin, false);
    await setAdminRole(account.address, true);
    const early = await client.get("/api/auth/session");
    // Only meaningful while the cached answer is surely fresh (a slow machine may take longer).
    if (Date.now() - cachedAt < 800) assert.equal(early.body.isAdmin, false, "still the cached answer");
    await sleep(1100);
    assert.equal((await client.get("/api/auth/session")).body.isAdmin, true);

    await setAdminRole(account.address, false);
    await sleep(1100);
    assert.equal((await client.get("/api/auth/session")).body.isAdmin, false);
  });

  it("with ADMIN_ROLE_CACHE_SECONDS=0 every check reads the chain", async () => {
    const extra = await startExtraServer(stack, { ADMIN_ROLE_CACHE_SECONDS: "0" });
    try {
      const client = extra.client();
      const account = newAccount();
      assert.equal((await signIn(client, account)).session.isAdmin, false);
      await setAdminRole(account.address, true);
      assert.equal((await client.get("/api/auth/session")).body.isAdmin, true);
      await setAdminRole(account.address, false);
      assert.equal((await client.get("/api/auth/session")).body.isAdmin, false);
    } finally {
      await extra.stop();
    }
  });
});

describe("createAdminCheck", () => {
  it("caches the on-chain answer for exactly the configured period", async () => {
    let now = 1_000_000;
    const isAdmin = createAdminCheck(stack.server.deps.chain, [], 30, () => now);
    const wallet = newAccount().address;
    assert.equal(await isAdmin(wallet), false);
    await setAdminRole(wallet, true);
    now += 29_999;
    assert.equal(await isAdmin(wallet), false, "cached");
    now += 1;
    assert.equal(await isAdmin(wallet), true, "expired: read again");
    await setAdminRole(wallet, false);
    assert.equal(await isAdmin(wallet), true, "cached");
    now += 30_000;
    assert.equal(await isAdmin(wallet), false, "the revocation shows");
  });

  it("matches ADMIN_WALLETS whatever the case, without the chain", async () => {
    const unreachable = connectChain("http://127.0.0.1:1", stack.server.deps.chain.deployment);
    const wallet = newAccount().address;
    const isAdmin = createAdminCheck(unreachable, [wallet.toLowerCase() as Address], 30);
    assert.equal(await isAdmin(wallet), true);
  });

  it("an unreachable chain is a 503 chain_unavailable, not a silent 'not admin'", async () => {
    const unreachable = connectChain("http://127.0.0.1:1", stack.server.deps.chain.deployment);
    const isAdmin = createAdminCheck(unreachable, [], 30);
    await assert.rejects(isAdmin(newAccount().address), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 503);
      assert.equal(error.code, "chain_unavailable");
      return true;
    });
  });
});
