import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { privateKeyToAccount } from "viem/accounts";
import { anvilKeys } from "./anvil-accounts.ts";
import { NetworkSettingsError, resolveNetworkSettings } from "./network-settings.ts";

describe("resolveNetworkSettings", () => {
  it("uses anvil's development keys on the local network", () => {
    const settings = resolveNetworkSettings("local", { RPC_URL: "http://127.0.0.1:9999" });
    assert.equal(settings.deployerKey, anvilKeys.deployer);
    assert.equal(settings.operator, privateKeyToAccount(anvilKeys.operator).address);
  });

  it("derives the operator from REFERRAL_MINTER_PRIVATE_KEY", () => {
    const settings = resolveNetworkSettings("local", {
      RPC_URL: "http://127.0.0.1:9999",
      REFERRAL_MINTER_PRIVATE_KEY: anvilKeys.bob,
    });
    assert.equal(settings.operator, privateKeyToAccount(anvilKeys.bob).address);
  });

  it("requires explicit settings on any other network, naming the missing one", () => {
    assert.throws(() => resolveNetworkSettings("sepolia", {}), /RPC_URL is required/);
    assert.throws(
      () => resolveNetworkSettings("sepolia", { RPC_URL: "https://rpc.invalid" }),
      /DEPLOYER_PRIVATE_KEY is required/,
    );
    assert.throws(
      () =>
        resolveNetworkSettings("sepolia", { RPC_URL: "https://rpc.invalid", DEPLOYER_PRIVATE_KEY: anvilKeys.alice }),
      /REFERRAL_OPERATOR_ADDRESS/,
    );
  });

  it("rejects malformed keys and addresses", () => {
    assert.throws(
      () => resolveNetworkSettings("local", { RPC_URL: "http://127.0.0.1:1", DEPLOYER_PRIVATE_KEY: "0x1234" }),
      (error: unknown) => error instanceof NetworkSettingsError && /DEPLOYER_PRIVATE_KEY/.test(error.message),
    );
    assert.throws(
      () => resolveNetworkSettings("local", { RPC_URL: "http://127.0.0.1:1", REFERRAL_OPERATOR_ADDRESS: "nope" }),
      /REFERRAL_OPERATOR_ADDRESS/,
    );
  });
});
