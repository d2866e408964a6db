import { rewardTokenAbi } from "../../../deployments/abi.ts";
import type { ChainContext } from "../../chain.ts";
import type { Db } from "../../db/client.ts";
import { resolvePrice } from "../prices/source.ts";
import type { Sizer } from "./size.ts";

/** Prices from the configured source per currency; the token's decimals read once from the chain. */
export function createSizer(db: Db, chain: ChainContext): Sizer {
  let decimals: Promise<number> | undefined;
  return {
    price: (currency) => resolvePrice({ db, client: chain.client }, currency),
    tokenDecimals() {
      decimals ??= chain.client
        .readContract({ address: chain.deployment.token, abi: rewardTokenAbi, functionName: "decimals" })
        .catch((error: unknown) => {
          decimals = undefined; // retry on the next call
          throw error;
        });
      return decimals;
    },
  };
}
