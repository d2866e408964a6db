// The server in a process of its own, so a test can read everything it logs exactly as an operator
// would (stdout): the real startServer and logger, configured by the environment, plus the
// deployment as JSON in SECURITY_TEST_DEPLOYMENT. Prints `READY <url>` on stderr; SIGTERM stops it.
import { deploymentSchema } from "../../deployments/schema.ts";
import { loadConfig } from "../config.ts";
import { startServer } from "../server.ts";

const deployment = deploymentSchema.parse(JSON.parse(process.env.SECURITY_TEST_DEPLOYMENT ?? "null"));
const running = await startServer(loadConfig(), { deployment });
process.once("SIGTERM", () => void running.stop().finally(() => process.exit(0)));
process.stderr.write(`READY ${running.url}\n`);
