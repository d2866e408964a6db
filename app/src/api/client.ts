// The server's JSON API from the browser: same origin, the session cookie, and the server's
// error body ({ error, message }) turned into an ApiError the pages can show as it is.
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  signal?: AbortSignal;
  /** The request outlives the page (a beacon sent as the visitor leaves). */
  keepalive?: boolean;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? (options.body === undefined ? "GET" : "POST"),
      credentials: "same-origin",
      headers:
        options.body === undefined
          ? { accept: "application/json" }
          : { "content-type": "application/json", accept: "application/json" },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.keepalive ? { keepalive: true } : {}),
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, "network", "the server could not be reached");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = (body ?? {}) as { error?: string; message?: string };
    throw new ApiError(
      response.status,
      error.error ?? "http_error",
      error.message ?? `${response.status} ${response.statusText}`,
    );
  }
  return body as T;
}

/** A GraphQL query against the server's analytics endpoint (`/graphql`). */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await api<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }>("/graphql", {
    body: { query, variables },
  });
  if (result.errors?.length) {
    const first = result.errors[0]!;
    throw new ApiError(200, first.extensions?.code ?? "graphql", result.errors.map((e) => e.message).join("; "));
  }
  return result.data as T;
}
