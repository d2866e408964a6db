import { rewardTokenAbi } from "../../../deployments/abi.ts";
import type { ChainContext } from "../../chain.ts";
import type { Db } from "../../db/client.ts";
import { PriceUnavailableError } from "../prices/errors.ts";
import { resolvePrice } from "../prices/source.ts";
import type { Sizer } from "./size.ts";

/** Prices from the configured source per currency; the token's decimals read once from the chain.
 *  A failed decimals read is a PriceUnavailableError ("unreachable"): the reward waits in
 *  pending_price and is sized on a later run, like one without a price. */
export function createSizer(db: Db, chain: ChainContext): Sizer {
  let decimals: Promise<number> | undefined;
  return {
    price: (currency) => resolvePrice({ db, client: chain.client }, currency),
    tokenDecimals() {
      decimals ??= chain.client
        .readContract({ address: chain.deployment.token, abi: rewardTokenAbi, functionName: "decimals" })
        .catch((error: unknown) => {
          decimals = undefined; // retry on the next call
          const detail =
            error instanceof Error
              ? ((error as { shortMessage?: string }).shortMessage ?? error.message)
              : String(error);
          throw new PriceUnavailableError(
            "unreachable",
            `could not read the decimals of token ${chain.deployment.token}: ${detail}`,
            { cause: error },
          );
        });
      return decimals;
    },
  };
}
