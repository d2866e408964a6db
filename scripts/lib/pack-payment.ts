import { type Address, getAddress, isAddress } from "viem";

const AMOUNT_BITS = 96n;
const MAX_AMOUNT = (1n << AMOUNT_BITS) - 1n;

export class PaymentPackError extends Error {
  override name = "PaymentPackError";
}

/**
 * Packs a referrer and an amount into the word `payReferralBatch` takes and `paymentOf` stores:
 * `uint256(uint160(referrer)) << 96 | amount`.
 */
export function packPayment(referrer: Address, amount: bigint): bigint {
  if (!isAddress(referrer)) throw new PaymentPackError(`invalid referrer address: ${referrer}`);
  if (amount <= 0n || amount > MAX_AMOUNT) {
    throw new PaymentPackError(`amount must be between 1 and 2^96-1, got ${amount}`);
  }
  return (BigInt(referrer) << AMOUNT_BITS) | amount;
}

export function unpackPayment(payment: bigint): { referrer: Address; amount: bigint } {
  return {
    referrer: getAddress(`0x${(payment >> AMOUNT_BITS).toString(16).padStart(40, "0")}`),
    amount: payment & MAX_AMOUNT,
  };
}
