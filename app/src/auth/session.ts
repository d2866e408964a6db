// The signed-in user (the server's session cookie) and Sign-In with Ethereum: a fresh nonce, an
// EIP-4361 message for this origin and chain, the wallet's signature, the server's verification.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { UserRejectedRequestError } from "viem";
import { createSiweMessage } from "viem/siwe";
import { useAccount, useSignMessage } from "wagmi";
import { api, ApiError } from "../api/client.ts";
import { deployment } from "../config/deployment.ts";

export interface Session {
  userId: string;
  wallet: string;
  wallets: string[];
  isAdmin: boolean;
  referredByUserId: string | null;
  signupAttribution: string;
  signupAttributionReason: string | null;
}

const sessionKey = ["session"] as const;

/** The session, or null when signed out; survives reloads because the cookie does. */
export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: async () => {
      try {
        return await api<Session>("/api/auth/session");
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

/** Why a sign-in did not happen, in words the page can translate (`auth.error.<reason>`). */
export type SignInFailure = "locked" | "wrong_chain" | "rejected" | "server";

export class SignInError extends Error {
  override name = "SignInError";
  readonly reason: SignInFailure;
  constructor(reason: SignInFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

export function useSignIn() {
  const { address, chainId } = useAccount();
  const { signMessageAsync } = useSignMessage();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      if (!address) throw new SignInError("locked", "the wallet shares no account: unlock it and connect");
      if (chainId !== deployment.chainId) {
        throw new SignInError("wrong_chain", `the wallet is on chain ${chainId}, the app on ${deployment.chainId}`);
      }
      const { nonce } = await api<{ nonce: string }>("/api/auth/nonce");
      const message = createSiweMessage({
        domain: window.location.host,
        address,
        statement: "Sign in to Refcodes.",
        uri: window.location.origin,
        version: "1",
        chainId: deployment.chainId,
        nonce,
        issuedAt: new Date(),
      });
      let signature: `0x${string}`;
      try {
        signature = await signMessageAsync({ message });
      } catch (error) {
        const rejected =
          error instanceof UserRejectedRequestError ||
          (error as { code?: number }).code === 4001 ||
          /reject|denied/i.test((error as Error).message);
        if (rejected) throw new SignInError("rejected", "the signature was rejected in the wallet");
        throw error;
      }
      try {
        return await api<Session>("/api/auth/verify", { body: { message, signature } });
      } catch (error) {
        throw new SignInError("server", (error as Error).message);
      }
    },
    onSuccess: (session) => queryClient.setQueryData(sessionKey, session),
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>("/api/auth/logout", { method: "POST" }),
    onSuccess: () => {
      queryClient.setQueryData(sessionKey, null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKey[0] });
    },
  });
}
