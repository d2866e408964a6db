import {
  type Account,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createNonceManager, jsonRpc } from "viem/nonce";

export const LOCAL_CHAIN_ID = 31337;

export interface Clients {
  chain: Chain;
  publicClient: PublicClient<Transport, Chain>;
  walletClient: WalletClient<Transport, Chain, Account>;
  account: Account;
}

/** Public and wallet clients for `rpcUrl`, signing with `privateKey` (nonces managed locally). */
export async function connect(rpcUrl: string, privateKey: Hex): Promise<Clients> {
  const transport = http(rpcUrl, { retryCount: 0 });
  const chainId = await createPublicClient({ transport }).getChainId();
  // A local chain mines on every transaction: poll fast. A real chain: once a second.
  const pollingInterval = chainId === LOCAL_CHAIN_ID ? 20 : 1_000;
  const chain = defineChain({
    id: chainId,
    name: chainId === LOCAL_CHAIN_ID ? "anvil" : `chain-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  // One nonce manager per connection: viem's shared one outlives a chain that was restarted.
  const account = privateKeyToAccount(privateKey, { nonceManager: createNonceManager({ source: jsonRpc() }) });
  return {
    chain,
    account,
    publicClient: createPublicClient({ chain, transport, pollingInterval }),
    walletClient: createWalletClient({ account, chain, transport, pollingInterval }),
  };
}
