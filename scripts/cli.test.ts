// The command-line scripts as a user runs them: `npm run chain`, `deploy`, `upgrade`.
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { deploymentPath, loadDeployment } from "../deployments/load.ts";
import { anvilKeys } from "./lib/anvil-accounts.ts";
import { rootDir } from "./lib/paths.ts";

const network = `cli-test-${process.pid}`;
const dataDir = mkdtempSync(join(tmpdir(), "refcodes-cli-"));
const env = { ...process.env, REFCODES_DATA_DIR: dataDir, RPC_URL: "" };

/** Runs a script to completion; never throws, so exit codes can be asserted. */
async function runScript(script: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(rootDir, script), ...args], {
      env: { ...env, ...extraEnv },
      timeout: 60_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe("npm run chain / deploy / upgrade", () => {
  let chain: ChildProcess;
  let rpcUrl: string;

  before(async () => {
    chain = spawn(process.execPath, [join(rootDir, "scripts/chain.ts")], { env, stdio: ["ignore", "pipe", "pipe"] });
    rpcUrl = await new Promise<string>((resolve, reject) => {
      let output = "";
      const timer = setTimeout(() => reject(new Error(`chain did not start:\n${output}`)), 20_000);
      chain.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /anvil listening: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
  });

  after(async () => {
    if (chain.exitCode === null) chain.kill("SIGKILL");
    rmSync(deploymentPath(network), { force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("chain records its RPC for the other scripts", () => {
    const recorded = JSON.parse(readFileSync(join(dataDir, "chain.json"), "utf8"));
    assert.equal(recorded.rpcUrl, rpcUrl);
  });

  it("deploy rejects bad flags with exit code 2 and says which", async () => {
    const badMode = await runScript("scripts/deploy.ts", ["--network", "local", "--mode", "BURN"]);
    assert.equal(badMode.code, 2);
    assert.match(badMode.output, /--mode must be MINT or TRANSFER, got "BURN"/);
    const badWindow = await runScript("scripts/deploy.ts", ["--network", "local", "--window-budget", "10"]);
    assert.equal(badWindow.code, 2);
    assert.match(badWindow.output, /--window-budget needs --window-seconds/);
    const noNetwork = await runScript("scripts/deploy.ts", []);
    assert.equal(noNetwork.code, 2);
  });

  it("deploy on a named network needs its settings", async () => {
    const missing = await runScript("scripts/deploy.ts", ["--network", network]);
    assert.equal(missing.code, 1);
    assert.match(missing.output, /RPC_URL is required/);
  });

  it("deploys in TRANSFER mode with limits, then upgrades after the layout check", async () => {
    const keys = {
      RPC_URL: rpcUrl,
      DEPLOYER_PRIVATE_KEY: anvilKeys.deployer,
      REFERRAL_MINTER_PRIVATE_KEY: anvilKeys.operator,
    };
    const deployed = await runScript(
      "scripts/deploy.ts",
      [
        "--network",
        network,
        "--mode",
        "TRANSFER",
        "--fund",
        "1000",
        "--max-per-payment",
        "5",
        "--window-budget",
        "100",
        "--window-seconds",
        "3600",
      ],
      keys,
    );
    assert.equal(deployed.code, 0, deployed.output);
    const deployment = loadDeployment(network);
    assert.equal(deployment.mode, "TRANSFER");

    const refused = await runScript(
      "scripts/upgrade.ts",
      ["--network", network, "--contract", "ReferralRewardsBadLayout"],
      keys,
    );
    assert.equal(refused.code, 1);
    assert.match(refused.output, /incompatible storage layout/);
    assert.equal(loadDeployment(network).implementation, deployment.implementation);

    const upgraded = await runScript(
      "scripts/upgrade.ts",
      ["--network", network, "--contract", "ReferralRewardsV2", "--call", "initializeV2", "--args", '["cli"]'],
      keys,
    );
    assert.equal(upgraded.code, 0, upgraded.output);
    assert.match(upgraded.output, /version 2\.0\.0/);
    const after = loadDeployment(network);
    assert.notEqual(after.implementation, deployment.implementation);
    assert.equal(after.upgrades.length, 1);
  });

  it("chain removes its record on Ctrl-C", async () => {
    const exited = new Promise((resolve) => chain.once("exit", resolve));
    chain.kill("SIGINT");
    assert.equal(await exited, 0);
    assert.equal(existsSync(join(dataDir, "chain.json")), false);
  });
});
