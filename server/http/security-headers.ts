// Response headers that make browsers enforce what the server cannot: no framing (clickjacking of
// the admin's approve and mint buttons), no MIME sniffing, scripts from this origin only (an
// injected <script> does not run), HTTPS pinned once served over it, and limits on what leaves in
// Referer. Three Content-Security-Policies: the app's pages, the API reference (Scalar, from its
// CDN) and everything else (JSON: nothing may load or run).
import { Hono, type MiddlewareHandler } from "hono";
import { type SecureHeadersVariables, secureHeaders } from "hono/secure-headers";
import { isLocalOrigin, type ServerConfig } from "../config.ts";
import type { ChainContext } from "../chain.ts";
import { WAYFORPAY_PAY_URL } from "../payments/wayforpay/checkout.ts";
import type { AppEnv } from "./context.ts";

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;
type ContentSecurityPolicy = SecureHeadersOptions["contentSecurityPolicy"];

/** The plain-http origins among `urls` (an https: or wss: one is allowed by scheme already). */
const httpOrigins = (urls: (string | undefined)[]) =>
  [...new Set(urls.filter((url) => url && URL.canParse(url)).map((url) => new URL(url!)))]
    .filter((url) => url.protocol === "http:" || url.protocol === "ws:")
    .map((url) => url.origin);

/** The app: its own scripts only. It talks to the chain's RPC, the indexer and the wallets' relays
 *  (WalletConnect), whose hosts are the operator's or the wallet's choice, hence any https/wss
 *  destination; a plain-http RPC or indexer (the local chain) is named. */
export function appContentSecurityPolicy(
  config: Pick<ServerConfig, "app">,
  chain: Pick<ChainContext, "rpcUrl">,
): ContentSecurityPolicy {
  const rpcUrl = config.app.publicRpcUrl ?? chain.rpcUrl;
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    // Libraries (the WalletConnect modal, charts) inject style elements; styles cannot run code.
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:", "blob:", "https:"],
    fontSrc: ["'self'", "data:"],
    connectSrc: ["'self'", "https:", "wss:", ...httpOrigins([rpcUrl, config.app.indexerPublicUrl])],
    // WalletConnect's Verify API runs in an iframe of its own.
    frameSrc: ["'self'", "https://verify.walletconnect.com", "https://verify.walletconnect.org"],
    workerSrc: ["'self'", "blob:"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    // The WayForPay checkout is a form the buyer's browser posts to WayForPay.
    formAction: ["'self'", new URL(WAYFORPAY_PAY_URL).origin],
    frameAncestors: ["'none'"],
  };
}

/** Scalar's API reference page loads its script and fonts from jsDelivr and starts from an inline
 *  script; the page shows the public OpenAPI document only. */
const DOCS_CONTENT_SECURITY_POLICY: ContentSecurityPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", "'unsafe-inline'", "https://cdn.jsdelivr.net"],
  styleSrc: ["'self'", "'unsafe-inline'", "https://cdn.jsdelivr.net", "https://fonts.googleapis.com"],
  fontSrc: ["'self'", "data:", "https://cdn.jsdelivr.net", "https://fonts.gstatic.com"],
  imgSrc: ["'self'", "data:", "https:"],
  connectSrc: ["'self'", "https:"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  frameAncestors: ["'none'"],
};

/** JSON, metrics and health answers: a response opened as a document can load and run nothing. */
const API_CONTENT_SECURITY_POLICY: ContentSecurityPolicy = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

const API_PATHS = /^\/(api|graphql|metrics|healthz|readyz)(\/|$)/;
const DOCS_PATH = "/api/docs";

export function securityHeaders(
  config: Pick<ServerConfig, "app" | "publicUrl">,
  chain: Pick<ChainContext, "rpcUrl">,
): MiddlewareHandler<AppEnv & { Variables: SecureHeadersVariables }> {
  const https = config.publicUrl.protocol === "https:" && !isLocalOrigin(config.publicUrl);
  const common: SecureHeadersOptions = {
    xFrameOptions: "DENY",
    // The browsers' default, stated: other sites see the origin only, never a path or a ?ref=.
    referrerPolicy: "strict-origin-when-cross-origin",
    // Wallet SDKs open popups that talk back to the page; same-origin would cut them off.
    crossOriginOpenerPolicy: "same-origin-allow-popups",
    // Only where it has effect (browsers ignore it over http), and for this host only: the
    // operator's other subdomains are not ours to pin.
    strictTransportSecurity: https ? "max-age=31536000" : false,
    permissionsPolicy: { camera: false, microphone: false, geolocation: false, payment: false, usb: false },
  };
  const forPages = precomputed({ ...common, contentSecurityPolicy: appContentSecurityPolicy(config, chain) });
  const forDocs = precomputed({ ...common, contentSecurityPolicy: DOCS_CONTENT_SECURITY_POLICY });
  const forApi = precomputed({ ...common, contentSecurityPolicy: API_CONTENT_SECURITY_POLICY });
  return async (c, next) => {
    const path = c.req.path;
    const headers = await (path === DOCS_PATH ? forDocs : API_PATHS.test(path) ? forApi : forPages)();
    for (const [name, value] of headers) c.header(name, value);
    await next();
  };
}

/**
 * hono's secureHeaders, its header list computed once (by answering one request) and then set
 * before the handler runs. Setting them afterwards, as secureHeaders does, turns @hono/node-server's
 * lightweight response into a full Response on every request: the beacon lost a third of its
 * throughput to it (bench:api).
 */
function precomputed(options: SecureHeadersOptions): () => Promise<[string, string][]> {
  let headers: Promise<[string, string][]> | undefined;
  return () =>
    (headers ??= (async () => {
      const probe = new Hono();
      probe.use(secureHeaders(options));
      probe.get("/", (c) => c.body(null, 204));
      const response = await probe.request("/");
      return [...response.headers.entries()];
    })());
}
