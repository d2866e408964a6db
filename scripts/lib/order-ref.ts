import { type Hex, keccak256, stringToBytes } from "viem";

/** The on-chain key of an order: `keccak256(bytes(orderReference))`, as in `paidOrders`. */
export function orderRefOf(orderReference: string): Hex {
  if (orderReference.length === 0) throw new TypeError("orderReference must not be empty");
  return keccak256(stringToBytes(orderReference));
}
