// One admin transaction from the admin's own wallet: simulated first (so a revert is decoded from
// the ABI before the wallet is asked), then useWriteContract, then useWaitForTransactionReceipt.
import { useEffect, useRef, useState } from "react";
import { useConnection, usePublicClient, useWaitForTransactionReceipt, useWriteContract } from "wagmi";
import { deployment, referralRewardsAbi } from "../../config/deployment.ts";

export type AdminCall =
  | { functionName: "pause" | "unpause"; args?: undefined }
  | { functionName: "setLimits"; args: readonly [bigint, bigint, number] };

export type TxPhase = "idle" | "checking" | "wallet" | "submitted" | "confirmed" | "reverted" | "failed";

export class NoWalletError extends Error {
  override name = "NoWalletError";
}

export function useAdminTx(onConfirmed: () => void) {
  const { address, chainId } = useConnection();
  const publicClient = usePublicClient({ chainId: deployment.chainId });
  const write = useWriteContract();
  const receipt = useWaitForTransactionReceipt({
    hash: write.data,
    chainId: deployment.chainId,
    query: { enabled: Boolean(write.data) },
  });
  const [checking, setChecking] = useState(false);
  const [preflightError, setPreflightError] = useState<unknown>(null);
  const [call, setCall] = useState<AdminCall["functionName"] | null>(null);

  const confirmed = useRef(onConfirmed);
  confirmed.current = onConfirmed;
  useEffect(() => {
    if (receipt.isSuccess) confirmed.current();
  }, [receipt.isSuccess, receipt.data?.transactionHash]);

  async function send(next: AdminCall) {
    write.reset();
    setCall(next.functionName);
    setPreflightError(null);
    setChecking(true);
    const request = {
      address: deployment.proxy,
      abi: referralRewardsAbi,
      functionName: next.functionName,
      ...(next.args ? { args: next.args } : {}),
    } as const;
    try {
      if (!address) throw new NoWalletError("no wallet connected");
      if (chainId !== deployment.chainId) throw new NoWalletError(`wrong chain ${chainId}`);
      if (!publicClient) throw new Error(`no RPC client for chain ${deployment.chainId}`);
      await publicClient.simulateContract({ ...request, account: address } as Parameters<
        typeof publicClient.simulateContract
      >[0]);
    } catch (error) {
      setPreflightError(error);
      setChecking(false);
      return;
    }
    setChecking(false);
    write.mutate({ ...request, chainId: deployment.chainId, account: address } as Parameters<typeof write.mutate>[0]);
  }

  let phase: TxPhase = "idle";
  let error: unknown = null;
  if (checking) phase = "checking";
  else if (preflightError) [phase, error] = ["failed", preflightError];
  else if (write.isPending) phase = "wallet";
  else if (write.isError) [phase, error] = ["failed", write.error];
  else if (write.data && receipt.isSuccess) phase = receipt.data.status === "success" ? "confirmed" : "reverted";
  else if (write.data && receipt.isError) [phase, error] = ["reverted", receipt.error];
  else if (write.data) phase = "submitted";

  return {
    send: (next: AdminCall) => void send(next),
    call,
    phase,
    error,
    hash: write.data ?? null,
    blockNumber: receipt.data?.blockNumber ?? null,
    busy: phase === "checking" || phase === "wallet" || phase === "submitted",
  };
}
