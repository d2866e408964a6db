// The Ponder indexer's configuration (the app itself is in indexer/). Everything it needs comes
// from deployments/<network>.json and the environment; no address is written here.
//   NETWORK           deployment to index (default local)
//   DEPLOYMENTS_DIR   where <network>.json lives (default deployments/)
//   RPC_URL           the chain's HTTP RPC (local: the running `npm start`/`npm run chain`)
//   RPC_WS_URL        its websocket; on a local chain (id 31337) derived from RPC_URL
//   INDEXER_RPC_LANES request budgets Ponder gives RPC_URL (default 1, local chain 10)
//   DATABASE_URL      the server's Postgres (required); the indexer lives in its own schema
import { createConfig } from "ponder";
import { referralRewardsAbi } from "./deployments/abi.ts";
import { indexerSettings } from "./indexer/settings.ts";

const settings = indexerSettings(process.env);

export default createConfig({
  database: { kind: "postgres", connectionString: settings.databaseUrl },
  chains: {
    [settings.network]: {
      id: settings.deployment.chainId,
      rpc: settings.rpcLanes === 1 ? settings.rpcUrl : Array<string>(settings.rpcLanes).fill(settings.rpcUrl),
      ...(settings.wsUrl ? { ws: settings.wsUrl } : {}),
      pollingInterval: settings.pollingIntervalMs,
      // A local chain is reset between runs; cached RPC answers of an old chain would be wrong.
      disableCache: settings.local,
    },
  },
  contracts: {
    ReferralRewards: {
      chain: settings.network,
      abi: referralRewardsAbi,
      address: settings.deployment.proxy,
      startBlock: settings.deployment.startBlock,
    },
  },
});
