// The admin handover against a real anvil: after it the old admin cannot pause and the new one
// can; the dry run's calldata, sent as printed, has the same effect.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { type Address, getAddress, type Hex, parseUnits } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { referralRewardsAbi } from "../deployments/abi.ts";
import { loadDeployment, writeDeployment } from "../deployments/load.ts";
import type { Deployment } from "../deployments/schema.ts";
import { type Anvil, startAnvil } from "./lib/anvil.ts";
import { anvilKeys } from "./lib/anvil-accounts.ts";
import { connect } from "./lib/clients.ts";
import { DEFAULT_ADMIN_ROLE, deployReferralRewards } from "./lib/deploy.ts";
import { executeHandover, HandoverError } from "./handover-admin.ts";

const run = promisify(execFile);
const deployer = privateKeyToAccount(anvilKeys.deployer).address;
const alice = privateKeyToAccount(anvilKeys.alice).address;

describe("admin handover", () => {
  let anvil: Anvil;
  let deploymentsDir: string;
  before(async () => {
    anvil = await startAnvil();
    deploymentsDir = mkdtempSync(join(tmpdir(), "refcodes-handover-"));
  });
  after(async () => {
    await anvil.stop();
    rmSync(deploymentsDir, { recursive: true, force: true });
  });

  const deploy = (network: string) =>
    deployReferralRewards({
      network,
      rpcUrl: anvil.rpcUrl,
      deployerKey: anvilKeys.deployer,
      operator: privateKeyToAccount(anvilKeys.operator).address,
      mode: "MINT",
    });

  const isAdmin = async (contract: Address, account: Address) => {
    const { publicClient } = await connect(anvil.rpcUrl, anvilKeys.deployer);
    return publicClient.readContract({
      address: contract,
      abi: referralRewardsAbi,
      functionName: "hasRole",
      args: [DEFAULT_ADMIN_ROLE, account],
    });
  };

  /** Sends pause() signed by `key`; resolves to whether it was accepted. */
  const pauseAs = async (deployment: Deployment, key: Hex) => {
    const { publicClient, walletClient } = await connect(anvil.rpcUrl, key);
    try {
      const { request } = await publicClient.simulateContract({
        account: walletClient.account,
        address: deployment.proxy,
        abi: referralRewardsAbi,
        functionName: "pause",
      });
      const hash = await walletClient.writeContract(request);
      return (await publicClient.waitForTransactionReceipt({ hash })).status === "success";
    } catch (error) {
      assert.match((error as Error).message, /AccessControlUnauthorizedAccount/);
      return false;
    }
  };

  it("grants, confirms, renounces: the old admin cannot pause, the new one can", async () => {
    const deployment = await deploy("handover-live");
    const maxPerPayment = parseUnits("100", 18);
    const result = await executeHandover(anvil.rpcUrl, anvilKeys.deployer, {
      deployment,
      newAdmin: alice,
      allowEoa: true,
      limits: { maxPerPayment, windowBudget: parseUnits("5000", 18), windowDuration: 86_400 },
    });
    assert.deepEqual(
      result.calls.map((call) => call.description.split("(")[0]),
      [
        "ReferralRewards.setLimits",
        "ReferralRewards.grantRole",
        "RewardToken.grantRole",
        "ReferralRewards.renounceRole",
        "RewardToken.renounceRole",
      ],
    );
    assert.equal(result.txHashes.length, 5);
    assert.equal(await isAdmin(deployment.proxy, alice), true);
    assert.equal(await isAdmin(deployment.proxy, deployer), false);
    assert.equal(await isAdmin(deployment.token, alice), true);
    assert.equal(await isAdmin(deployment.token, deployer), false);

    const { publicClient } = await connect(anvil.rpcUrl, anvilKeys.deployer);
    const limits = await publicClient.readContract({
      address: deployment.proxy,
      abi: referralRewardsAbi,
      functionName: "limits",
    });
    assert.deepEqual(limits, [maxPerPayment, parseUnits("5000", 18), 86_400]);

    assert.equal(await pauseAs(deployment, anvilKeys.deployer), false, "the old admin is refused");
    assert.equal(await pauseAs(deployment, anvilKeys.alice), true, "the new admin pauses");
    assert.equal(
      await publicClient.readContract({ address: deployment.proxy, abi: referralRewardsAbi, functionName: "paused" }),
      true,
    );

    // A second run finds the work done and sends nothing.
    const again = await executeHandover(anvil.rpcUrl, anvilKeys.deployer, {
      deployment,
      newAdmin: alice,
      allowEoa: true,
    });
    assert.deepEqual(again.calls, []);
  });

  it("refuses a new admin without code, a signer who is not admin, and itself, sending nothing", async () => {
    const deployment = await deploy("handover-refused");
    const { publicClient } = await connect(anvil.rpcUrl, anvilKeys.deployer);
    const nonce = await publicClient.getTransactionCount({ address: deployer });
    await assert.rejects(
      executeHandover(anvil.rpcUrl, anvilKeys.deployer, { deployment, newAdmin: alice }),
      (error: Error) => error instanceof HandoverError && /has no code/.test(error.message),
    );
    await assert.rejects(
      executeHandover(anvil.rpcUrl, anvilKeys.bob, { deployment, newAdmin: alice, allowEoa: true }),
      (error: Error) => error instanceof HandoverError && /does not hold DEFAULT_ADMIN_ROLE/.test(error.message),
    );
    await assert.rejects(
      executeHandover(anvil.rpcUrl, anvilKeys.deployer, { deployment, newAdmin: deployer, allowEoa: true }),
      HandoverError,
    );
    assert.equal(await publicClient.getTransactionCount({ address: deployer }), nonce, "nothing was sent");
    assert.equal(await isAdmin(deployment.proxy, deployer), true);
  });

  it("a proxy-only handover leaves the token's admin alone", async () => {
    const deployment = await deploy("handover-keep-token");
    await executeHandover(anvil.rpcUrl, anvilKeys.deployer, {
      deployment,
      newAdmin: alice,
      allowEoa: true,
      keepTokenAdmin: true,
    });
    assert.equal(await isAdmin(deployment.proxy, alice), true);
    assert.equal(await isAdmin(deployment.token, deployer), true);
    assert.equal(await isAdmin(deployment.token, alice), false);
  });

  it("CLI --dry-run prints calldata that, sent by the current admin, completes the handover", async () => {
    const deployment = await deploy("handover-dry");
    writeDeployment(deployment, deploymentsDir);
    const { publicClient, walletClient } = await connect(anvil.rpcUrl, anvilKeys.deployer);
    const nonce = await publicClient.getTransactionCount({ address: deployer });
    const { stdout } = await run(
      process.execPath,
      [
        "scripts/handover-admin.ts",
        "--network",
        "handover-dry",
        "--new-admin",
        alice,
        "--allow-eoa",
        "--max-per-payment",
        "250",
        "--dry-run",
      ],
      { env: { ...process.env, RPC_URL: anvil.rpcUrl, DEPLOYMENTS_DIR: deploymentsDir }, timeout: 60_000 },
    );
    const printed = JSON.parse(stdout) as { chainId: number; from: Address; calls: { to: Address; data: Hex }[] };
    assert.equal(printed.chainId, 31337);
    assert.equal(printed.from, deployer);
    assert.equal(printed.calls.length, 5);
    assert.equal(await publicClient.getTransactionCount({ address: deployer }), nonce, "the dry run sent nothing");

    for (const call of printed.calls) {
      const hash = await walletClient.sendTransaction({ to: call.to, data: call.data });
      assert.equal((await publicClient.waitForTransactionReceipt({ hash })).status, "success");
    }
    assert.equal(await isAdmin(deployment.proxy, alice), true);
    assert.equal(await isAdmin(deployment.proxy, deployer), false);
    assert.equal(await pauseAs(deployment, anvilKeys.alice), true);
    const limits = await publicClient.readContract({
      address: deployment.proxy,
      abi: referralRewardsAbi,
      functionName: "limits",
    });
    assert.deepEqual(limits, [parseUnits("250", 18), 0n, 0]);
    // The file still names the deployer: a dry run writes nothing.
    assert.equal(loadDeployment("handover-dry", deploymentsDir).admin, deployer);
  });

  it("CLI live run hands over and records the new admin in the deployment file", async () => {
    const deployment = await deploy("handover-cli");
    writeDeployment(deployment, deploymentsDir);
    const { stdout } = await run(
      process.execPath,
      ["scripts/handover-admin.ts", "--network", "handover-cli", "--new-admin", alice, "--allow-eoa"],
      {
        env: {
          ...process.env,
          RPC_URL: anvil.rpcUrl,
          DEPLOYMENTS_DIR: deploymentsDir,
          ADMIN_PRIVATE_KEY: anvilKeys.deployer,
        },
        timeout: 60_000,
      },
    );
    assert.match(stdout, /admin role handed to/);
    assert.equal(loadDeployment("handover-cli", deploymentsDir).admin, getAddress(alice));
    assert.equal(await isAdmin(deployment.proxy, deployer), false);
    assert.equal(await pauseAs(deployment, anvilKeys.deployer), false);
  });
});
