// Why a transaction did not happen, in the admin's words: a rejected signature, the contract's
// custom errors decoded from the ABI (a wallet without the admin role, already paused, ...), or
// what viem says.
import type { TFunction } from "i18next";
import { BaseError, ContractFunctionRevertedError, UserRejectedRequestError } from "viem";

export interface TxFailure {
  /** A sentence for the admin. */
  message: string;
  /** The decoded custom error, e.g. `AccessControlUnauthorizedAccount(0x…, 0x00…)`. */
  decoded: string | null;
  rejected: boolean;
}

const isRejection = (error: unknown) =>
  error instanceof UserRejectedRequestError ||
  (error as { code?: number } | null)?.code === 4001 ||
  /user (rejected|denied)|rejected the request|denied transaction/i.test((error as Error | null)?.message ?? "");

export function describeTxError(error: unknown, t: TFunction<"admin">): TxFailure {
  if (error instanceof BaseError) {
    if (error.walk(isRejection) || isRejection(error)) {
      return { message: t("tx.errors.rejected"), decoded: null, rejected: true };
    }
    const reverted = error.walk((cause) => cause instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      const name = reverted.data?.errorName;
      const args = (reverted.data?.args ?? []) as readonly unknown[];
      if (name) {
        const decoded = `${name}(${args.map(String).join(", ")})`;
        return { message: knownError(name, args, t) ?? t("tx.errors.reverted"), decoded, rejected: false };
      }
      if (reverted.reason) return { message: t("tx.errors.reverted"), decoded: reverted.reason, rejected: false };
      if (reverted.signature) {
        return { message: t("tx.errors.unknownError"), decoded: reverted.signature, rejected: false };
      }
    }
    return { message: error.shortMessage || error.message, decoded: null, rejected: false };
  }
  if (isRejection(error)) return { message: t("tx.errors.rejected"), decoded: null, rejected: true };
  return { message: error instanceof Error ? error.message : String(error), decoded: null, rejected: false };
}

function knownError(name: string, args: readonly unknown[], t: TFunction<"admin">): string | null {
  switch (name) {
    case "AccessControlUnauthorizedAccount":
      return t("tx.errors.notAdmin", { account: String(args[0] ?? "") });
    case "ReferralRewards__EnforcedPause":
      return t("tx.errors.alreadyPaused");
    case "ReferralRewards__ExpectedPause":
      return t("tx.errors.notPaused");
    case "ReferralRewards__InvalidWindow":
      return t("tx.errors.invalidWindow");
    default:
      return null;
  }
}
