// Token amounts as the server keeps them: wei strings.
import { formatUnits } from "viem";

/** Wei as an exact decimal string of tokens (18 decimals). */
export const weiToDecimal = (wei: string | bigint) => formatUnits(BigInt(wei), 18);

/** Sum of wei amounts given as strings. */
export const sumWei = (amounts: Iterable<string>) => {
  let total = 0n;
  for (const amount of amounts) total += BigInt(amount);
  return total;
};
