// EIP-4361 checks, each with its own error, before and after the signature itself.
import { type Address, getAddress, type Hex, isAddressEqual, recoverMessageAddress } from "viem";
import { parseSiweMessage, type SiweMessage } from "viem/siwe";
import { type ChainContext, isChainUnreachable } from "../chain.ts";
import type { ServerConfig } from "../config.ts";
import type { Db } from "../db/client.ts";
import { ApiError } from "../http/errors.ts";
import { consumeNonce, NONCE_TTL_SECONDS, restoreNonce } from "./nonces.ts";

const reject = (code: string, message: string) => new ApiError(401, code, message);
const malformed = (message: string) => new ApiError(400, "siwe_malformed", message);

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
function checkSiweMessage(
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
    throw malformed("message is not an EIP-4361 sign-in message");
  }
  // viem parses a date-time that is not RFC 3339 as an invalid Date, which every comparison
  // below would let through.
  for (const [field, value] of [
    ["Issued At", message.issuedAt],
    ["Expiration Time", message.expirationTime],
    ["Not Before", message.notBefore],
  ] as const) {
    if (value && Number.isNaN(value.getTime())) throw malformed(`${field} is not an RFC 3339 date-time`);
  }
  if (message.version !== "1") throw reject("siwe_version", `unsupported SIWE version ${message.version}`);
  // Host names are case-insensitive; URL.host (the expectation) is lower-case already.
  if (message.domain.toLowerCase() !== expected.domain) {
    throw reject("siwe_domain_mismatch", `message domain ${message.domain} is not ${expected.domain}`);
  }
  const expectedScheme = new URL(expected.origin).protocol.slice(0, -1);
  if (message.scheme && message.scheme.toLowerCase() !== expectedScheme) {
    throw reject("siwe_domain_mismatch", `message scheme ${message.scheme} is not ${expectedScheme}`);
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

class ChainUnavailable extends ApiError {
  constructor() {
    super(503, "chain_unavailable", "cannot reach the chain to verify the signature; try again");
  }
}

/**
 * True when `signature` is `address`'s over `message`. An EOA's is checked locally (no RPC call:
 * it also works while the chain is unreachable); a contract wallet's through viem's public
 * client (ERC-1271 when deployed, ERC-6492 when counterfactual). viem reports a failed call as
 * an invalid signature, so a negative answer is double-checked against an outage.
 */
async function signatureValid(chain: ChainContext, address: Address, message: string, signature: Hex) {
  try {
    if (isAddressEqual(await recoverMessageAddress({ message, signature }), address)) return true;
  } catch {
    // not a plain ECDSA signature: a contract wallet's
  }
  try {
    if (await chain.client.verifyMessage({ address, message, signature })) return true;
  } catch (error) {
    if (isChainUnreachable(error)) throw new ChainUnavailable();
    return false;
  }
  try {
    await chain.client.getChainId();
  } catch (error) {
    if (isChainUnreachable(error)) throw new ChainUnavailable();
  }
  return false;
}

/**
 * Verifies a sign-in: the claims, then the nonce (consumed atomically, so a replay fails and a
 * bad signature spends it), then the signature. When the chain cannot be reached, the nonce is
 * put back and the answer is 503, so the same signed message can be retried.
 */
export async function verifySiwe(
  db: Db,
  chain: ChainContext,
  expected: SiweExpectations,
  input: { message: string; signature: Hex },
): Promise<{ address: Address; chainId: number }> {
  const message = checkSiweMessage(input.message, expected);
  const nonceExpiry = await consumeNonce(db, message.nonce);
  if (!nonceExpiry) {
    throw reject("siwe_nonce_invalid", "nonce is unknown, expired or already used; request a new one");
  }
  let valid: boolean;
  try {
    valid = await signatureValid(chain, message.address, input.message, input.signature);
  } catch (error) {
    if (error instanceof ChainUnavailable) await restoreNonce(db, message.nonce, nonceExpiry);
    throw error;
  }
  if (!valid) throw reject("siwe_bad_signature", `signature is not valid for ${message.address}`);
  return { address: message.address, chainId: message.chainId };
}
