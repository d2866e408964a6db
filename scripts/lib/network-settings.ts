import { type Address, getAddress, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { anvilKeys } from "./anvil-accounts.ts";
import { readLocalChain } from "./local-chain.ts";

export const LOCAL_NETWORK = "local";

export interface NetworkSettings {
  network: string;
  rpcUrl: string;
  deployerKey: Hex;
  operator: Address;
  admin?: Address;
}

export class NetworkSettingsError extends Error {
  override name = "NetworkSettingsError";
}

const privateKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address");
const envSchema = z.object({
  RPC_URL: z.url().optional(),
  DEPLOYER_PRIVATE_KEY: privateKey.optional(),
  REFERRAL_MINTER_PRIVATE_KEY: privateKey.optional(),
  REFERRAL_OPERATOR_ADDRESS: address.optional(),
  REFERRAL_ADMIN_ADDRESS: address.optional(),
});

/**
 * Where and as whom to deploy. The local network falls back to the running `npm run chain` and
 * anvil's public development keys; any other network must be configured explicitly.
 */
export function resolveNetworkSettings(network: string, rawEnv: NodeJS.ProcessEnv = process.env): NetworkSettings {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(rawEnv).filter(([, v]) => v !== "")));
  if (!parsed.success) throw new NetworkSettingsError(z.prettifyError(parsed.error));
  const env = parsed.data;
  const local = network === LOCAL_NETWORK;

  const rpcUrl = env.RPC_URL ?? (local ? readLocalChain()?.rpcUrl : undefined);
  if (!rpcUrl) {
    throw new NetworkSettingsError(
      local
        ? "no local chain is running: start one with `npm run chain` (or set RPC_URL)"
        : `RPC_URL is required for network "${network}"`,
    );
  }
  const deployerKey = (env.DEPLOYER_PRIVATE_KEY ?? (local ? anvilKeys.deployer : undefined)) as Hex | undefined;
  if (!deployerKey) throw new NetworkSettingsError(`DEPLOYER_PRIVATE_KEY is required for network "${network}"`);

  const minterKey = (env.REFERRAL_MINTER_PRIVATE_KEY ?? (local ? anvilKeys.operator : undefined)) as Hex | undefined;
  const operator = env.REFERRAL_OPERATOR_ADDRESS ?? (minterKey ? privateKeyToAccount(minterKey).address : undefined);
  if (!operator) {
    throw new NetworkSettingsError(
      `REFERRAL_OPERATOR_ADDRESS (or REFERRAL_MINTER_PRIVATE_KEY) is required for network "${network}"`,
    );
  }
  return {
    network,
    rpcUrl,
    deployerKey,
    operator: getAddress(operator),
    ...(env.REFERRAL_ADMIN_ADDRESS ? { admin: getAddress(env.REFERRAL_ADMIN_ADDRESS) } : {}),
  };
}
