import type { StorageLayout } from "@openzeppelin/upgrades-core";
import { type Address, getAddress, type Hash } from "viem";
import { z } from "zod";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address")
  .transform((value): Address => getAddress(value));
const hash = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 0x-prefixed 32-byte hash")
  .transform((value) => value as Hash);
const storageLayout = z.custom<StorageLayout>(
  (value) => typeof value === "object" && value !== null && Array.isArray((value as StorageLayout).storage),
  "expected an upgrades-core storage layout",
);

export const rewardModes = ["MINT", "TRANSFER"] as const;
export type RewardModeName = (typeof rewardModes)[number];

export const upgradeRecordSchema = z.object({
  implementation: address,
  version: z.string(),
  txHash: hash,
  blockNumber: z.number().int().nonnegative(),
  at: z.string(),
});

/** `deployments/<network>.json`: what every other part reads to find the contracts. */
export const deploymentSchema = z.object({
  network: z.string().min(1),
  chainId: z.number().int().positive(),
  proxy: address,
  implementation: address,
  token: address,
  mode: z.enum(rewardModes),
  startBlock: z.number().int().nonnegative(),
  deployer: address,
  admin: address,
  operator: address,
  deployedAt: z.string(),
  upgrades: z.array(upgradeRecordSchema).default([]),
  /** upgrades-core's layout of the live implementation, the reference for the next upgrade. */
  storageLayout,
  abis: z.object({
    ReferralRewards: z.array(z.unknown()),
    RewardToken: z.array(z.unknown()),
  }),
});

export type Deployment = z.output<typeof deploymentSchema>;
export type UpgradeRecord = z.infer<typeof upgradeRecordSchema>;
