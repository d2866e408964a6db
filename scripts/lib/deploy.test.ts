// Deploy and upgrade scripts against a real anvil.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { getAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { referralRewardsAbi, rewardTokenAbi } from "../../deployments/abi.ts";
import { loadDeployment, writeDeployment } from "../../deployments/load.ts";
import { type Anvil, startAnvil } from "./anvil.ts";
import { anvilKeys } from "./anvil-accounts.ts";
import { connect } from "./clients.ts";
import { DEFAULT_ADMIN_ROLE, deployReferralRewards, MINTER_ROLE } from "./deploy.ts";
import { StorageLayoutError } from "./storage-layout.ts";
import { upgradeReferralRewards } from "./upgrade.ts";

const operator = privateKeyToAccount(anvilKeys.operator).address;
const finalAdmin = privateKeyToAccount(anvilKeys.alice).address;

describe("deployReferralRewards", () => {
  let anvil: Anvil;
  before(async () => {
    anvil = await startAnvil();
  });
  after(async () => {
    await anvil.stop();
  });

  it("MINT: deploys token, implementation and proxy; the proxy is the token's primary minter", async () => {
    const deployment = await deployReferralRewards({
      network: "test-mint",
      rpcUrl: anvil.rpcUrl,
      deployerKey: anvilKeys.deployer,
      operator,
      mode: "MINT",
      limits: { maxPerPayment: 10n ** 20n, windowBudget: 10n ** 22n, windowDuration: 86_400 },
    });
    const { publicClient } = await connect(anvil.rpcUrl, anvilKeys.deployer);
    const contract = { address: deployment.proxy, abi: referralRewardsAbi } as const;
    const token = await publicClient.readContract({ ...contract, functionName: "rewardToken" });
    assert.equal(getAddress(token), deployment.token);
    assert.equal(await publicClient.readContract({ ...contract, functionName: "rewardMode" }), 0);
    const limits = await publicClient.readContract({ ...contract, functionName: "limits" });
    assert.deepEqual(limits, [10n ** 20n, 10n ** 22n, 86_400]);
    assert.equal(
      await publicClient.readContract({
        address: deployment.token,
        abi: rewardTokenAbi,
        functionName: "hasRole",
        args: [MINTER_ROLE, deployment.proxy],
      }),
      true,
    );
    const primaryMinter = await publicClient.readContract({
      address: deployment.token,
      abi: rewardTokenAbi,
      functionName: "primaryMinter",
    });
    assert.equal(getAddress(primaryMinter), deployment.proxy);
    assert.equal(deployment.chainId, 31337);
    assert.ok(deployment.startBlock > 0);
    assert.ok(deployment.storageLayout.namespaces?.["erc7201:refcodes.storage.ReferralRewards"]);

    // The deployment file round-trips through its schema.
    const dir = mkdtempSync(join(tmpdir(), "refcodes-deployments-"));
    writeDeployment(deployment, dir);
    assert.deepEqual(loadDeployment("test-mint", dir), JSON.parse(JSON.stringify(deployment)));
  });

  it("TRANSFER: funds the treasury and hands the admin role over", async () => {
    const deployment = await deployReferralRewards({
      network: "test-transfer",
      rpcUrl: anvil.rpcUrl,
      deployerKey: anvilKeys.deployer,
      operator,
      admin: finalAdmin,
      mode: "TRANSFER",
      treasuryFunding: 5_000n * 10n ** 18n,
    });
    const { publicClient, account } = await connect(anvil.rpcUrl, anvilKeys.deployer);
    const treasury = await publicClient.readContract({
      address: deployment.token,
      abi: rewardTokenAbi,
      functionName: "balanceOf",
      args: [deployment.proxy],
    });
    assert.equal(treasury, 5_000n * 10n ** 18n);
    const hasRole = (address: `0x${string}`, role: `0x${string}`, who: `0x${string}`) =>
      publicClient.readContract({ address, abi: referralRewardsAbi, functionName: "hasRole", args: [role, who] });
    assert.equal(await hasRole(deployment.proxy, DEFAULT_ADMIN_ROLE, finalAdmin), true);
    assert.equal(await hasRole(deployment.proxy, DEFAULT_ADMIN_ROLE, account.address), false);
    assert.equal(
      await hasRole(deployment.token, MINTER_ROLE, account.address),
      false,
      "the deployer keeps no minter role",
    );
    assert.equal(deployment.admin, finalAdmin);
  });

  it("upgrades to V2 after checking the layout, and refuses a bad layout before sending anything", async () => {
    const deployment = await deployReferralRewards({
      network: "test-upgrade",
      rpcUrl: anvil.rpcUrl,
      deployerKey: anvilKeys.deployer,
      operator,
      mode: "MINT",
    });
    const { publicClient, account } = await connect(anvil.rpcUrl, anvilKeys.deployer);
    const nonceBefore = await publicClient.getTransactionCount({ address: account.address });
    await assert.rejects(
      upgradeReferralRewards({
        deployment,
        rpcUrl: anvil.rpcUrl,
        adminKey: anvilKeys.deployer,
        contract: "ReferralRewardsBadLayout",
      }),
      StorageLayoutError,
    );
    assert.equal(await publicClient.getTransactionCount({ address: account.address }), nonceBefore, "nothing was sent");

    const upgraded = await upgradeReferralRewards({
      deployment,
      rpcUrl: anvil.rpcUrl,
      adminKey: anvilKeys.deployer,
      contract: "ReferralRewardsV2",
      call: { functionName: "initializeV2", args: ["from the script"] },
    });
    assert.notEqual(upgraded.implementation, deployment.implementation);
    assert.equal(upgraded.upgrades.length, 1);
    assert.equal(upgraded.upgrades[0]?.version, "2.0.0");
    assert.equal(
      await publicClient.readContract({ address: deployment.proxy, abi: referralRewardsAbi, functionName: "version" }),
      "2.0.0",
    );
  });

  it("refuses an upgrade signed by a key without the admin role", async () => {
    const deployment = await deployReferralRewards({
      network: "test-upgrade-denied",
      rpcUrl: anvil.rpcUrl,
      deployerKey: anvilKeys.deployer,
      operator,
      mode: "MINT",
    });
    await assert.rejects(
      upgradeReferralRewards({
        deployment,
        rpcUrl: anvil.rpcUrl,
        adminKey: anvilKeys.bob,
        contract: "ReferralRewardsV2",
      }),
      /AccessControlUnauthorizedAccount/,
    );
  });
});
