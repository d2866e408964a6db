// Server configuration from the environment, validated once at start. Every bad or missing
// variable is reported on its own line, so an operator fixes them all in one go.
import { type Address, getAddress } from "viem";
import { sqlIdentifier } from "./db/sql-identifier.ts";
import { z } from "zod";

const splitList = (value: string) =>
  value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);

const commaList = <T>(item: z.ZodType<T, any>) => z.string().transform(splitList).pipe(z.array(item));

/** An absolute URL with one of `protocols` (e.g. "https:"), and a host unless `hostOptional`
 *  (postgresql:///db?host=/socket/dir); never throws on garbage. */
const urlOf = (protocols: string[], options: { hostOptional?: boolean } = {}) =>
  z.string().refine(
    (value) => {
      if (!URL.canParse(value)) return false;
      const url = new URL(value);
      return protocols.includes(url.protocol) && (options.hostOptional || url.host !== "");
    },
    `expected a URL starting with ${protocols.map((protocol) => `${protocol}//`).join(" or ")}`,
  );

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address")
  .transform((value): Address => getAddress(value));

const positiveInt = (max: number) => z.coerce.number().int().positive().max(max);

/** An origin as browsers send it in the Origin header: scheme, host and port, nothing after. */
const origin = urlOf(["http:", "https:"])
  .refine((value) => {
    if (!URL.canParse(value)) return true; // urlOf has reported it
    const url = new URL(value);
    return url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
  }, "expected an origin only (no path), e.g. https://shop.example")
  .transform((value) => new URL(value).origin);

/** Requests per minute and client address; 0 turns the limit off. */
const perMinute = (fallback: number) => z.coerce.number().int().min(0).max(1_000_000_000).default(fallback);

/** Where the indexer publishes its stable views; the indexer and the server default to it alike. */
export const DEFAULT_INDEXER_VIEWS_SCHEMA = "refcodes_indexer";

const envSchema = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  /** The public origin of the app and API; SIWE's domain and URI are checked against it. */
  PUBLIC_URL: urlOf(["http:", "https:"]).optional(),
  DATABASE_URL: urlOf(["postgres:", "postgresql:"], { hostOptional: true }).optional(),
  DB_POOL_MAX: positiveInt(200).default(10),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  NETWORK: z.string().min(1).default("local"),
  RPC_URL: urlOf(["http:", "https:"]).optional(),
  SIWE_CHAIN_IDS: commaList(positiveInt(Number.MAX_SAFE_INTEGER))
    .refine((ids) => ids.length > 0, "list at least one chain id")
    .optional(),
  SIWE_MAX_SKEW_SECONDS: positiveInt(3600).default(300),
  SESSION_TTL_HOURS: positiveInt(24 * 365).default(24 * 7),
  ADMIN_WALLETS: commaList(address).default([]),
  ADMIN_ROLE_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** Browsers cap cookie lifetimes at 400 days (RFC 6265bis). */
  REF_COOKIE_DAYS: positiveInt(400).default(30),
  BEACON_FLUSH_MS: z.coerce.number().int().min(0).max(1000).default(2),
  BEACON_MAX_BATCH: positiveInt(100_000).default(2000),
  /** Visit-beacon group commits running at once, each on its own pool connection. */
  BEACON_MAX_IN_FLIGHT: positiveInt(32).default(3),
  COMMISSION_DEFAULT_BPS: z.coerce.number().int().min(0).max(10_000).default(1000),
  COMMISSION_MEMBERSHIP_BPS: z.coerce.number().int().min(0).max(10_000).default(2000),
  COMMISSION_CAP_BPS: z.coerce.number().int().min(0).max(10_000).default(5000),
  /** Fiat rewards are approved automatically this long after the payment (the refund window). */
  FIAT_AUTO_APPROVE_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .optional(),
  /** The minter's wallet (OPERATOR_ROLE); on the local network anvil's account #1 by default. */
  REFERRAL_MINTER_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 0x-prefixed 32-byte hex private key")
    .optional(),
  MINT_BATCH_SIZE: positiveInt(2000).default(200),
  MINT_RECEIPT_TIMEOUT_SECONDS: positiveInt(3600).default(120),
  /** Seconds between scheduled minter runs; 0 turns the schedule off. */
  MINT_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  MINT_MAX_ATTEMPTS: positiveInt(100).default(5),
  /** The first retry of a failed reward waits this long; each further one twice as long. */
  MINT_RETRY_BASE_SECONDS: positiveInt(86_400).default(30),
  /** Bearer secret of GET /api/cron/refcodes-mint; the route is off without it. */
  CRON_SECRET: z.string().min(16, "use at least 16 characters").optional(),
  /** Seconds between sweeps retrying reward creation for paid orders; 0 turns the schedule off. */
  REWARD_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(30),
  /** Host events (server/host-events): ms between dispatcher rounds; 0 turns the dispatcher off. */
  HOST_EVENTS_POLL_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
  HOST_EVENTS_TIMEOUT_SECONDS: positiveInt(120).default(10),
  /** The first retry's delay; each further one doubles, up to HOST_EVENTS_MAX_DELAY_SECONDS. */
  HOST_EVENTS_RETRY_BASE_MS: positiveInt(3_600_000).default(10_000),
  HOST_EVENTS_MAX_DELAY_SECONDS: positiveInt(7 * 86_400).default(6 * 3600),
  HOST_EVENTS_MAX_ATTEMPTS: positiveInt(100).default(12),
  /** WayForPay merchant login and SecretKey; on the local network test values by default. */
  WAYFORPAY_MERCHANT_ACCOUNT: z.string().min(1).optional(),
  WAYFORPAY_SECRET_KEY: z.string().min(8, "use the merchant SecretKey (at least 8 characters)").optional(),
  /** The shop's domain as registered with WayForPay (signed into purchase requests). */
  WAYFORPAY_DOMAIN: z.string().min(1).optional(),
  /** The Stripe webhook endpoint's signing secret; on the local network a test value by default. */
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\S+$/, "expected the endpoint's signing secret, whsec_…")
    .optional(),
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: positiveInt(86_400).default(300),
  /** Reverse proxies in front of the server whose X-Forwarded-For entries are trusted (0 = none:
   *  the client address is the socket's). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** The schema where the indexer publishes its stable views (`payout`), read by the analytics
   *  GraphQL; spliced into SQL, hence a plain lower-case identifier only. */
  INDEXER_VIEWS_SCHEMA: sqlIdentifier.default(DEFAULT_INDEXER_VIEWS_SCHEMA),
  /** The app (GET /api/app-config): a JSON-RPC URL browsers can reach (default RPC_URL). */
  PUBLIC_RPC_URL: urlOf(["http:", "https:"]).optional(),
  /** The app's transaction links: this prefix plus the hash, e.g. https://etherscan.io/tx/ */
  EXPLORER_TX_URL: urlOf(["http:", "https:"]).optional(),
  /** WalletConnect Cloud project id; the app offers WalletConnect only when it is set. */
  WALLETCONNECT_PROJECT_ID: z
    .string()
    .regex(/^[0-9a-f]{32}$/, "expected the 32 hex digits of a WalletConnect project id")
    .optional(),
  /** The indexer's public GraphQL URL, shown by the app (npm start sets it). */
  INDEXER_PUBLIC_URL: urlOf(["http:", "https:"]).optional(),
  /** The built app the server serves (default app/dist). */
  APP_DIST_DIR: z.string().min(1).optional(),
  /** Origins besides PUBLIC_URL's whose pages may call the API with the user's cookies (CORS with
   *  credentials, and trusted by the CSRF check). */
  CORS_ORIGINS: commaList(origin).default([]),
  RATE_LIMIT_NONCE_PER_MINUTE: perMinute(60),
  /** Sign-in and wallet-link attempts (each verifies a signature, maybe over RPC). */
  RATE_LIMIT_AUTH_PER_MINUTE: perMinute(30),
  RATE_LIMIT_BEACON_PER_MINUTE: perMinute(600),
});

export type RawEnv = Record<string, string | undefined>;

const SECRET_VARIABLES = new Set([
  "REFERRAL_MINTER_PRIVATE_KEY",
  "CRON_SECRET",
  "WAYFORPAY_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
]);
/** URLs that may carry a password or, in the path or query, an API key (Infura, Alchemy). */
const CREDENTIAL_URL_VARIABLES = new Set(["DATABASE_URL", "RPC_URL"]);

/** What a configuration error may print of a bad value: a malformed credential is still a
 *  credential, so secrets are never shown and URLs only without password, path and query. */
function shownValue(name: string, raw: string): string | undefined {
  if (SECRET_VARIABLES.has(name)) return undefined;
  if (!CREDENTIAL_URL_VARIABLES.has(name)) return raw;
  if (!URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  const user = url.username ? `${url.username}${url.password ? ":***" : ""}@` : "";
  const rest = (url.pathname !== "/" && url.pathname !== "") || url.search ? "/…" : "";
  return `${url.protocol}//${user}${url.host}${rest}`;
}

export interface ServerConfig {
  host: string;
  port: number;
  publicUrl: URL;
  databaseUrl: string | undefined;
  dbPoolMax: number;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  network: string;
  rpcUrl: string | undefined;
  /** Chain ids a SIWE message may name; undefined means "the deployment's chain". */
  siweChainIds: number[] | undefined;
  siweMaxSkewSeconds: number;
  sessionTtlSeconds: number;
  adminWallets: Address[];
  adminRoleCacheSeconds: number;
  refCookieMaxAgeSeconds: number;
  beaconFlushMs: number;
  commission: { defaultBps: number; membershipBps: number; capBps: number };
  fiatAutoApproveSeconds: number | undefined;
  minter: {
    privateKey: `0x${string}` | undefined;
    batchSize: number;
    receiptTimeoutMs: number;
    intervalSeconds: number;
    maxAttempts: number;
    retryBaseSeconds: number;
  };
  cronSecret: string | undefined;
  hostEvents: {
    pollMs: number;
    timeoutMs: number;
    retryBaseMs: number;
    maxDelayMs: number;
    maxAttempts: number;
  };
  beaconMaxBatch: number;
  beaconMaxInFlight: number;
  /** How many X-Forwarded-For hops to trust when deriving the client address. */
  trustProxyHops: number;
  rewardSweepIntervalSeconds: number;
  /** Undefined: the WayForPay webhook and checkout answer 503. */
  wayforpay: { merchantAccount: string; secretKey: string; domain: string } | undefined;
  /** Undefined: the Stripe webhook answers 503. */
  stripe: { webhookSecret: string; toleranceSeconds: number } | undefined;
  /** Where the indexer's views are (analytics' paid-on-chain figures). */
  indexerViewsSchema: string;
  /** Further origins trusted like PUBLIC_URL's (CORS with credentials, CSRF). */
  corsOrigins: string[];
  /** Per client address and minute; 0 = unlimited. In memory, per replica. */
  rateLimits: { noncePerMinute: number; authPerMinute: number; beaconPerMinute: number };
  /** What the app is told at start (GET /api/app-config). */
  app: {
    publicRpcUrl: string | undefined;
    explorerTxUrl: string | undefined;
    walletConnectProjectId: string | undefined;
    indexerPublicUrl: string | undefined;
    distDir: string | undefined;
  };
}

/** Test credentials of the local network, so the payment flow can be tried offline. */
export const LOCAL_PAYMENT_CREDENTIALS = {
  wayforpayMerchantAccount: "refcodes_local",
  wayforpaySecretKey: "refcodes-local-wayforpay-secret",
  stripeWebhookSecret: "whsec_refcodes_local_test_secret",
} as const;

export class ConfigError extends Error {
  override name = "ConfigError";
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.problems = problems;
  }
}

/** Parses the environment; throws ConfigError naming every bad variable (and each bad entry of a
 *  list). Values are trimmed; empty ones count as unset. */
export function loadConfig(rawEnv: RawEnv = process.env): ServerConfig {
  const present = Object.fromEntries(
    Object.entries(rawEnv)
      .map(([name, value]) => [name, value?.trim()] as const)
      .filter((entry): entry is readonly [string, string] => entry[1] !== undefined && entry[1] !== ""),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const [key, index] = issue.path;
        const name = String(key ?? "environment");
        const raw = present[name];
        if (typeof index === "number" && raw !== undefined) {
          const entry = splitList(raw)[index];
          return `${name}: entry ${index + 1} ${JSON.stringify(entry)}: ${issue.message}`;
        }
        if (raw === undefined) return `${name}: ${issue.message} (not set)`;
        const shown = shownValue(name, raw);
        return `${name}: ${issue.message} (${shown === undefined ? "the value is not shown" : `got ${JSON.stringify(shown)}`})`;
      }),
    );
  }
  const env = parsed.data;
  return {
    host: env.HOST,
    port: env.PORT,
    publicUrl: new URL(env.PUBLIC_URL ?? `http://localhost:${env.PORT}`),
    databaseUrl: env.DATABASE_URL,
    dbPoolMax: env.DB_POOL_MAX,
    logLevel: env.LOG_LEVEL,
    network: env.NETWORK,
    rpcUrl: env.RPC_URL,
    siweChainIds: env.SIWE_CHAIN_IDS,
    siweMaxSkewSeconds: env.SIWE_MAX_SKEW_SECONDS,
    sessionTtlSeconds: env.SESSION_TTL_HOURS * 3600,
    adminWallets: env.ADMIN_WALLETS,
    adminRoleCacheSeconds: env.ADMIN_ROLE_CACHE_SECONDS,
    refCookieMaxAgeSeconds: env.REF_COOKIE_DAYS * 86_400,
    beaconFlushMs: env.BEACON_FLUSH_MS,
    commission: {
      defaultBps: env.COMMISSION_DEFAULT_BPS,
      membershipBps: env.COMMISSION_MEMBERSHIP_BPS,
      capBps: env.COMMISSION_CAP_BPS,
    },
    minter: {
      privateKey: env.REFERRAL_MINTER_PRIVATE_KEY as `0x${string}` | undefined,
      batchSize: env.MINT_BATCH_SIZE,
      receiptTimeoutMs: env.MINT_RECEIPT_TIMEOUT_SECONDS * 1000,
      intervalSeconds: env.MINT_INTERVAL_SECONDS,
      maxAttempts: env.MINT_MAX_ATTEMPTS,
      retryBaseSeconds: env.MINT_RETRY_BASE_SECONDS,
    },
    cronSecret: env.CRON_SECRET,
    hostEvents: {
      pollMs: env.HOST_EVENTS_POLL_MS,
      timeoutMs: env.HOST_EVENTS_TIMEOUT_SECONDS * 1000,
      retryBaseMs: env.HOST_EVENTS_RETRY_BASE_MS,
      maxDelayMs: env.HOST_EVENTS_MAX_DELAY_SECONDS * 1000,
      maxAttempts: env.HOST_EVENTS_MAX_ATTEMPTS,
    },
    fiatAutoApproveSeconds:
      env.FIAT_AUTO_APPROVE_HOURS === undefined ? undefined : Math.round(env.FIAT_AUTO_APPROVE_HOURS * 3600),
    beaconMaxBatch: env.BEACON_MAX_BATCH,
    beaconMaxInFlight: env.BEACON_MAX_IN_FLIGHT,
    trustProxyHops: env.TRUST_PROXY,
    rewardSweepIntervalSeconds: env.REWARD_SWEEP_INTERVAL_SECONDS,
    indexerViewsSchema: env.INDEXER_VIEWS_SCHEMA,
    corsOrigins: env.CORS_ORIGINS,
    rateLimits: {
      noncePerMinute: env.RATE_LIMIT_NONCE_PER_MINUTE,
      authPerMinute: env.RATE_LIMIT_AUTH_PER_MINUTE,
      beaconPerMinute: env.RATE_LIMIT_BEACON_PER_MINUTE,
    },
    app: {
      publicRpcUrl: env.PUBLIC_RPC_URL,
      explorerTxUrl: env.EXPLORER_TX_URL,
      walletConnectProjectId: env.WALLETCONNECT_PROJECT_ID,
      indexerPublicUrl: env.INDEXER_PUBLIC_URL,
      distDir: env.APP_DIST_DIR,
    },
    ...paymentProviders(env),
  };
}

function paymentProviders(env: z.infer<typeof envSchema>): Pick<ServerConfig, "wayforpay" | "stripe"> {
  const local = env.NETWORK === "local";
  const merchantAccount =
    env.WAYFORPAY_MERCHANT_ACCOUNT ?? (local ? LOCAL_PAYMENT_CREDENTIALS.wayforpayMerchantAccount : undefined);
  const secretKey = env.WAYFORPAY_SECRET_KEY ?? (local ? LOCAL_PAYMENT_CREDENTIALS.wayforpaySecretKey : undefined);
  const webhookSecret =
    env.STRIPE_WEBHOOK_SECRET ?? (local ? LOCAL_PAYMENT_CREDENTIALS.stripeWebhookSecret : undefined);
  return {
    wayforpay:
      merchantAccount && secretKey
        ? {
            merchantAccount,
            secretKey,
            domain: env.WAYFORPAY_DOMAIN ?? new URL(env.PUBLIC_URL ?? "http://localhost").hostname,
          }
        : undefined,
    stripe: webhookSecret ? { webhookSecret, toleranceSeconds: env.STRIPE_WEBHOOK_TOLERANCE_SECONDS } : undefined,
  };
}

/** True when cookies may drop `Secure`: plain http on a loopback host during development. */
export function isLocalOrigin(url: URL): boolean {
  return ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}
