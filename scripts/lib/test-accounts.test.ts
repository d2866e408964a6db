import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mnemonicToAccount } from "viem/accounts";
import { testAccounts } from "./test-accounts.ts";

describe("test accounts", () => {
  it("are anvil's development accounts at their printed indexes", () => {
    for (const account of testAccounts) {
      const derived = mnemonicToAccount("test test test test test test test test test test test junk", {
        addressIndex: account.index,
      });
      assert.equal(account.address, derived.address, account.name);
      assert.equal(account.privateKey, `0x${Buffer.from(derived.getHdKey().privateKey!).toString("hex")}`);
    }
    assert.equal(new Set(testAccounts.map((account) => account.name)).size, testAccounts.length);
  });
});
