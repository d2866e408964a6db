// `npm run chain`: a local anvil on a free port of 127.0.0.1, until Ctrl-C.
import { startAnvil } from "./lib/anvil.ts";
import { clearLocalChain, writeLocalChain } from "./lib/local-chain.ts";

const anvil = await startAnvil({
  args: process.env.ANVIL_BLOCK_TIME ? ["--block-time", process.env.ANVIL_BLOCK_TIME] : [],
});
const pid = anvil.process.pid ?? process.pid;
writeLocalChain({ rpcUrl: anvil.rpcUrl, wsUrl: anvil.wsUrl, pid });
console.log(`anvil listening: ${anvil.rpcUrl} (ws ${anvil.wsUrl}), chain id 31337`);
console.log("deploy to it with: npm run deploy:local   (Ctrl-C stops the chain)");

const stop = async () => {
  clearLocalChain(pid);
  await anvil.stop();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
