// A TCP pass-through on a fixed port of 127.0.0.1 that a drill can take down and bring back: while
// it is down, connections are refused and open ones are cut, as when an RPC endpoint goes away.
import { once } from "node:events";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { freePort } from "../../scripts/lib/indexer.ts";

export interface TcpProxy {
  port: number;
  url: string;
  up(): Promise<void>;
  /** Refuses new connections and destroys the open ones. */
  down(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  const up = async () => {
    if (server) return;
    server = createServer((client) => {
      const upstream = createConnection(target);
      track(client);
      track(upstream);
      client.pipe(upstream).pipe(client);
      // Either side failing ends both, as a dropped connection would.
      client.once("error", () => upstream.destroy());
      upstream.once("error", () => client.destroy());
      client.once("close", () => upstream.destroy());
      upstream.once("close", () => client.destroy());
    });
    server.listen(port, "127.0.0.1");
    await once(server, "listening");
  };
  const down = async () => {
    const closing = server;
    server = undefined;
    if (!closing) return;
    const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  await up();
  return { port, url: `http://127.0.0.1:${port}`, up, down, close: down };
}
