// What a drill saw: every HTTP answer the load got (status, when it was asked and answered) and
// the windows when a dependency was down, so "no 5xx except while a dependency was down" is
// checked against exact times.
import { TestClient, type TestResponse } from "../../server/test/harness.ts";

/** A 5xx answered this soon after a dependency came back is still counted as its outage: pools
 *  reconnect and in-flight requests finish within it. */
export const RECOVERY_GRACE_MS = 5_000;

export interface Answer {
  method: string;
  path: string;
  /** 0: no answer (connection refused or cut). */
  status: number;
  startedAt: number;
  endedAt: number;
  error?: string;
}

export interface Outage {
  what: string;
  from: number;
  /** Undefined while it lasts. */
  to: number | undefined;
}

export class DrillRecord {
  readonly answers: Answer[] = [];
  readonly outages: Outage[] = [];
  readonly #healthChecks: (() => void)[] = [];

  /** `check` throws when the drill cannot succeed any more (a server crashed): the load stops
   *  retrying at once rather than waiting out its patience. */
  onHealthCheck(check: () => void): void {
    this.#healthChecks.push(check);
  }

  assertHealthy(): void {
    for (const check of this.#healthChecks) check();
  }

  /** Marks `what` as down until the returned function is called. */
  down(what: string): () => void {
    const outage: Outage = { what, from: Date.now(), to: undefined };
    this.outages.push(outage);
    return () => {
      outage.to ??= Date.now();
    };
  }

  /** Runs `step` (which takes `what` down and brings it back) as one outage window. */
  async outage<T>(what: string, step: () => Promise<T>): Promise<T> {
    const end = this.down(what);
    try {
      return await step();
    } finally {
      end();
    }
  }

  /** The outage an answer overlaps (with the recovery grace), if any. */
  excusedBy(answer: Answer): Outage | undefined {
    return this.outages.find(
      (outage) => answer.endedAt >= outage.from && answer.startedAt <= (outage.to ?? Infinity) + RECOVERY_GRACE_MS,
    );
  }

  client(baseUrl: string | (() => string)): RecordingClient {
    return new RecordingClient(baseUrl, this);
  }
}

/** The harness's cookie-keeping client, recording every answer. The base URL may be a function:
 *  a load spread over replicas picks one per request. */
export class RecordingClient extends TestClient {
  readonly #record: DrillRecord;
  readonly #base: string | (() => string);

  constructor(baseUrl: string | (() => string), record: DrillRecord) {
    super(typeof baseUrl === "string" ? baseUrl : baseUrl());
    this.#base = baseUrl;
    this.#record = record;
  }

  override async request<T = any>(
    method: string,
    path: string,
    init: { json?: unknown; body?: string; headers?: Record<string, string> } = {},
  ): Promise<TestResponse<T>> {
    (this as { baseUrl: string }).baseUrl = typeof this.#base === "string" ? this.#base : this.#base();
    const startedAt = Date.now();
    try {
      const response = await super.request<T>(method, path, init);
      this.#record.answers.push({ method, path, status: response.status, startedAt, endedAt: Date.now() });
      return response;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      this.#record.answers.push({ method, path, status: 0, startedAt, endedAt: Date.now(), error: cause });
      throw error;
    }
  }
}
