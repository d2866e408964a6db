/// <reference types="vite/client" />

/** The deployment the app was built for (vite.config.ts reads deployments/<NETWORK>.json). */
declare module "virtual:refcodes-deployment" {
  const deployment: {
    network: string;
    chainId: number;
    proxy: `0x${string}`;
    token: `0x${string}`;
    mode: "MINT" | "TRANSFER";
    startBlock: number;
  };
  export default deployment;
}
