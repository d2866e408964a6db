// The accounts `npm start` prints and `npm run demo` and the newcomer test sign in with: anvil's
// well-known development accounts (mnemonic "test test ... junk"), each with the part it plays
// locally. Their keys are public: they exist for local chains only.
import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { anvilKeys } from "./anvil-accounts.ts";

export type TestRole = "admin" | "operator" | "referrer" | "buyer";

export interface TestAccount {
  name: string;
  role: TestRole;
  /** Anvil's account index, as wallets importing the mnemonic number them. */
  index: number;
  address: Address;
  privateKey: Hex;
  /** What the account does in the local system. */
  note: string;
}

const account = (index: number, name: string, role: TestRole, privateKey: Hex, note: string): TestAccount => ({
  name,
  role,
  index,
  address: privateKeyToAccount(privateKey).address,
  privateKey,
  note,
});

export const testAccounts: readonly TestAccount[] = [
  account(0, "admin", "admin", anvilKeys.deployer, "deployer, DEFAULT_ADMIN_ROLE: /admin approves and mints"),
  account(1, "operator", "operator", anvilKeys.operator, "the minter's key (OPERATOR_ROLE); the server signs with it"),
  account(2, "alice", "referrer", anvilKeys.alice, "referrer: /dashboard, create a code"),
  account(3, "bob", "referrer", anvilKeys.bob, "referrer"),
  account(4, "carol", "referrer", "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a", "referrer"),
  account(
    5,
    "dave",
    "buyer",
    "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "buyer: open a referral link, then /store",
  ),
  account(6, "erin", "buyer", "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e", "buyer"),
  account(7, "frank", "buyer", "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356", "buyer"),
];

export function testAccount(name: string): TestAccount {
  const found = testAccounts.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no test account "${name}"`);
  return found;
}
