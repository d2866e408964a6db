// EIP-4361 checks, each with its own error, before and after the signature itself.
import { type Address, BaseError, getAddress, type Hex, HttpRequestError, TimeoutError } from "viem";
import { parseSiweMessage, type SiweMessage } from "viem/siwe";
import type { ChainContext } from "../chain.ts";
import type { ServerConfig } from "../config.ts";
import type { Db } from "../db/client.ts";
import { ApiError } from "../http/errors.ts";
import { consumeNonce, NONCE_TTL_SECONDS } from "./nonces.ts";

const reject = (code: string, message: string) => new ApiError(401, code, message);

export interface SiweExpectations {
  domain: string;
  origin: string;
  chainIds: number[];
  maxSkewSeconds: number;
}

export function siweExpectations(config: ServerConfig, chain: ChainContext): SiweExpectations {
  return {
    domain: config.publicUrl.host,
    origin: config.publicUrl.origin,
    chainIds: config.siweChainIds ?? [chain.chainId],
    maxSkewSeconds: config.siweMaxSkewSeconds,
  };
}

/** The message's own claims, checked without touching the database or the chain. */
export function checkSiweMessage(
  text: string,
  expected: SiweExpectations,
  now = new Date(),
): SiweMessage & { address: Address; nonce: string } {
  let message: Partial<SiweMessage>;
  try {
    message = parseSiweMessage(text);
  } catch {
    message = {};
  }
  if (!message.address || !message.nonce || !message.uri || !message.domain || !message.chainId || !message.version) {
    throw new ApiError(400, "siwe_malformed", "message is not an EIP-4361 sign-in message");
  }
  if (message.version !== "1") throw reject("siwe_version", `unsupported SIWE version ${message.version}`);
  if (message.domain !== expected.domain) {
    throw reject("siwe_domain_mismatch", `message domain ${message.domain} is not ${expected.domain}`);
  }
  let origin: string;
  try {
    origin = new URL(message.uri).origin;
  } catch {
    origin = "";
  }
  if (origin !== expected.origin)
    throw reject("siwe_uri_mismatch", `message URI ${message.uri} is not on ${expected.origin}`);
  if (!expected.chainIds.includes(message.chainId)) {
    throw reject(
      "siwe_chain_not_allowed",
      `chain id ${message.chainId} is not allowed (allowed: ${expected.chainIds.join(", ")})`,
    );
  }
  const skewMs = expected.maxSkewSeconds * 1000;
  if (!message.issuedAt) throw reject("siwe_issued_at_missing", "message has no Issued At");
  if (message.issuedAt.getTime() > now.getTime() + skewMs)
    throw reject("siwe_issued_in_future", "message is issued in the future");
  if (message.issuedAt.getTime() < now.getTime() - NONCE_TTL_SECONDS * 1000 - skewMs) {
    throw reject("siwe_too_old", "message was issued too long ago; sign a new one");
  }
  if (message.expirationTime && message.expirationTime.getTime() <= now.getTime()) {
    throw reject("siwe_expired", "message has expired");
  }
  if (message.notBefore && message.notBefore.getTime() > now.getTime() + skewMs) {
    throw reject("siwe_not_yet_valid", "message is not valid yet (Not Before)");
  }
  return { ...(message as SiweMessage), address: getAddress(message.address), nonce: message.nonce };
}

/**
 * Verifies a sign-in: the claims, then the nonce (consumed atomically, so a replay fails), then
 * the signature through viem's public client, which covers EOAs, ERC-1271 and ERC-6492 wallets.
 */
export async function verifySiwe(
  db: Db,
  chain: ChainContext,
  expected: SiweExpectations,
  input: { message: string; signature: Hex },
): Promise<{ address: Address; chainId: number }> {
  const message = checkSiweMessage(input.message, expected);
  if (!(await consumeNonce(db, message.nonce))) {
    throw reject("siwe_nonce_invalid", "nonce is unknown, expired or already used; request a new one");
  }
  let valid = false;
  try {
    valid = await chain.client.verifyMessage({
      address: message.address,
      message: input.message,
      signature: input.signature,
    });
  } catch (error) {
    // An unreachable RPC is our outage, not a bad signature.
    if (error instanceof BaseError && error.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError)) {
      throw new ApiError(503, "chain_unavailable", "cannot reach the chain to verify the signature; try again");
    }
    valid = false;
  }
  if (!valid) throw reject("siwe_bad_signature", `signature is not valid for ${message.address}`);
  return { address: message.address, chainId: message.chainId };
}
