// `node server/main.ts`: the server on its own (npm start runs it with the rest of the system).
import { ConfigError, loadConfig } from "./config.ts";
import { startServer } from "./server.ts";

try {
  const running = await startServer(loadConfig());
  console.log(`refcodes server on ${running.url} (API reference ${running.url}/api/docs)`);
  const stop = () => void running.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `server failed to start: ${(error as Error).stack}`);
  process.exit(1);
}
