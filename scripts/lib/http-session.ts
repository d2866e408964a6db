// A browser's part in talking to a running Refcodes server, without a browser: a cookie jar (the
// first-touch `ring_ref`, the visitor cookie, the session), JSON in and out, and Sign-In with
// Ethereum signed by a private key exactly as the app's wallet would sign it.
import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";

export interface HttpResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface SignedInSession {
  userId: string;
  wallet: Address;
  isAdmin: boolean;
  referredByUserId: string | null;
  signupAttribution: string;
}

export interface JarResponse<T = any> extends HttpResponse<T> {
  /** Set-Cookie lines of this response. */
  setCookies: string[];
}

/**
 * One request as a browser tab would send it with the cookies in `cookies` (unless `headers`
 * carries a cookie header of its own): JSON in and out, redirects not followed, and the response's
 * Set-Cookie lines applied to `cookies` (an empty value or max-age=0 deletes). A body that is not
 * JSON (a page) is returned as text. The server tests' TestClient sends through it too.
 */
export async function fetchWithCookieJar<T = any>(
  baseUrl: string,
  cookies: Map<string, string>,
  method: string,
  path: string,
  init: { json?: unknown; body?: string; headers: Record<string, string> },
): Promise<JarResponse<T>> {
  const headers = { ...init.headers };
  if (cookies.size > 0 && !headers.cookie) {
    headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
  let body = init.body;
  if (init.json !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(init.json);
  }
  const response = await fetch(new URL(path, baseUrl), { method, headers, body, redirect: "manual" });
  const setCookies = response.headers.getSetCookie();
  for (const line of setCookies) {
    const [pair = "", ...attributes] = line.split(";");
    const at = pair.indexOf("=");
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (value === "" || attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute))) cookies.delete(name);
    else cookies.set(name, value);
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // a page, not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T, setCookies };
}

export class HttpError extends Error {
  override name = "HttpError";
}

export class HttpSession {
  readonly baseUrl: string;
  readonly cookies = new Map<string, string>();
  /** The User-Agent sent: visitors without a cookie are told apart by address and user agent. */
  userAgent: string;

  constructor(baseUrl: string, userAgent = "Mozilla/5.0 (X11; Linux x86_64) refcodes-cli") {
    this.baseUrl = baseUrl;
    this.userAgent = userAgent;
  }

  /** Like `send`, but a 429 is waited out as its Retry-After says (sign-ins are rate limited per
   *  client address, and every demo persona comes from the same one), for up to `patienceMs`. */
  async request<T = any>(
    method: string,
    path: string,
    init: { json?: unknown; body?: string; headers?: Record<string, string> } = {},
    patienceMs = 90_000,
  ): Promise<HttpResponse<T>> {
    const giveUpAt = Date.now() + patienceMs;
    for (;;) {
      const response = await this.send<T>(method, path, init);
      const retryAfterMs = Number(response.headers.get("retry-after") ?? 1) * 1000;
      if (response.status !== 429 || Date.now() + retryAfterMs > giveUpAt) return response;
      await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
    }
  }

  async send<T = any>(
    method: string,
    path: string,
    init: { json?: unknown; body?: string; headers?: Record<string, string> } = {},
  ): Promise<JarResponse<T>> {
    const headers: Record<string, string> = { "user-agent": this.userAgent, ...init.headers };
    // A browser names the page's origin on every unsafe request; the server's CSRF check needs it.
    if (!["GET", "HEAD"].includes(method)) headers.origin ??= new URL(this.baseUrl).origin;
    return fetchWithCookieJar<T>(this.baseUrl, this.cookies, method, path, { ...init, headers });
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>("GET", path, headers ? { headers } : {});
  }

  post<T = any>(path: string, json: unknown = {}, headers?: Record<string, string>) {
    return this.request<T>("POST", path, { json, ...(headers ? { headers } : {}) });
  }

  put<T = any>(path: string, json: unknown) {
    return this.request<T>("PUT", path, { json });
  }

  /** The response's body when its status is one of `expected`; an HttpError saying what failed otherwise. */
  async expect<T = any>(
    what: string,
    pending: Promise<HttpResponse<T>>,
    expected: number | number[] = [200, 201, 204],
  ): Promise<T> {
    const response = await pending;
    const allowed = Array.isArray(expected) ? expected : [expected];
    if (!allowed.includes(response.status)) {
      throw new HttpError(`${what}: HTTP ${response.status} ${JSON.stringify(response.body)?.slice(0, 500)}`);
    }
    return response.body;
  }

  /**
   * Signs in with Ethereum as the app does: a fresh nonce, an EIP-4361 message for `publicUrl`
   * (the server's PUBLIC_URL: SIWE accepts no other origin) and `chainId`, signed with `privateKey`.
   */
  async signIn(privateKey: Hex, options: { publicUrl: string; chainId: number }): Promise<SignedInSession> {
    const account = privateKeyToAccount(privateKey);
    const { nonce } = await this.expect<{ nonce: string }>("SIWE nonce", this.get("/api/auth/nonce"));
    const origin = new URL(options.publicUrl);
    const message = createSiweMessage({
      domain: origin.host,
      uri: `${origin.origin}/`,
      address: account.address,
      chainId: options.chainId,
      nonce,
      version: "1",
      statement: "Sign in to Refcodes.",
      issuedAt: new Date(),
    });
    const signature = await account.signMessage({ message });
    return this.expect(`sign-in of ${account.address}`, this.post("/api/auth/verify", { message, signature }), 200);
  }
}
