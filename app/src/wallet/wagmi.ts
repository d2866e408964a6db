// wagmi for the deployment's chain: the injected wallet (any EIP-1193 / EIP-6963 browser wallet),
// plus WalletConnect when the server is configured with a project id.
import { type Chain, defineChain } from "viem";
import { type Config, createConfig, http, injected } from "wagmi";
import { deployment } from "../config/deployment.ts";
import type { RuntimeConfig } from "../config/runtime.ts";

function deploymentChain(runtime: RuntimeConfig): Chain {
  return defineChain({
    id: deployment.chainId,
    name: deployment.chainId === 31337 ? "Local chain (anvil)" : `Chain ${deployment.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [runtime.rpcUrl] } },
  });
}

export async function createWagmiConfig(runtime: RuntimeConfig): Promise<Config> {
  const chain = deploymentChain(runtime);
  const connectors = [injected()];
  if (runtime.walletConnectProjectId) {
    // Loaded only when configured: WalletConnect's SDK is large.
    const { walletConnect } = await import("wagmi/connectors");
    connectors.push(walletConnect({ projectId: runtime.walletConnectProjectId, showQrModal: true }) as never);
  }
  return createConfig({
    chains: [chain],
    connectors,
    transports: { [chain.id]: http(runtime.rpcUrl) },
    multiInjectedProviderDiscovery: true,
  });
}
