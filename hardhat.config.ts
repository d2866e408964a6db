import { createRequire } from "node:module";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { defineConfig } from "hardhat/config";

// No native solc can be downloaded here: point Hardhat at the solcjs (WASM) build in node_modules.
const solcjsPath = createRequire(import.meta.url).resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatViem],
  solidity: {
    npmFilesToBuild: ["@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol"],
    profiles: {
      default: {
        version: "0.8.30",
        path: solcjsPath,
        settings: {
          evmVersion: "cancun",
          optimizer: { enabled: true, runs: 10_000 },
          metadata: { bytecodeHash: "none" },
          // upgrades-core validates storage layouts from build-info files.
          outputSelection: { "*": { "*": ["storageLayout"] } },
        },
      },
    },
  },
  paths: {
    sources: "./contracts",
  },
});
