// `node server/main.ts` for the drills: the same start, except that the deployment comes from
// DEPLOYMENTS_DIR/<NETWORK>.json (a temp dir per drill) rather than the repository's
// deployments/, which a drill must never overwrite. Prints "listening <url>" once it serves.
import { loadDeployment } from "../../deployments/load.ts";
import { loadConfig } from "../../server/config.ts";
import { startServer } from "../../server/server.ts";

const config = loadConfig();
const deployment = loadDeployment(config.network, process.env.DEPLOYMENTS_DIR);
const running = await startServer(config, { deployment });
console.log(`listening ${running.url}`);
const stop = () => void running.stop().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
