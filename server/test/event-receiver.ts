// A host platform's endpoint for host-event tests: a real HTTP server on 127.0.0.1 that keeps every
// request (raw body and headers) and answers what the test tells it to.
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedEvent {
  headers: IncomingHttpHeaders;
  /** The body exactly as received: what the signature covers. */
  raw: string;
  body: { id: string; type: string; createdAt: string; data: Record<string, any> };
  at: number;
  answered: number;
}

export interface EventReceiver {
  url: string;
  received: ReceivedEvent[];
  /** The status of each next answer, in order; 200 once they run out. */
  answers: number[];
  /** Requests wait this long before the answer (a slow host). */
  delayMs: number;
  /** Resolves when `count` requests have come in (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  close(): Promise<void>;
}

export async function startEventReceiver(): Promise<EventReceiver> {
  const received: ReceivedEvent[] = [];
  const waiters: (() => void)[] = [];
  const receiver: EventReceiver = {
    url: "",
    received,
    answers: [],
    delayMs: 0,
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline)
          throw new Error(`expected ${count} event requests, got ${received.length} in ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return received.slice(0, count);
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
  const server = createServer((request, response) => {
    let raw = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (raw += chunk));
    request.on("end", () => {
      const answered = receiver.answers.shift() ?? 200;
      received.push({ headers: request.headers, raw, body: JSON.parse(raw), at: Date.now(), answered });
      for (const wake of waiters.splice(0)) wake();
      setTimeout(() => {
        response.writeHead(answered, { "content-type": "text/plain" });
        response.end(answered < 300 ? "ok" : `refused with ${answered}`);
      }, receiver.delayMs);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  return receiver;
}
