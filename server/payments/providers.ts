// A payment provider's settings, or the 503 every route of an unconfigured provider answers.
import type { ServerConfig } from "../config.ts";
import { ApiError } from "../http/errors.ts";

const notConfigured = (provider: string, variables: string) =>
  new ApiError(503, "provider_not_configured", `${provider} is not configured: set ${variables}`);

export function wayforpaySettings(config: ServerConfig): NonNullable<ServerConfig["wayforpay"]> {
  if (!config.wayforpay) throw notConfigured("WayForPay", "WAYFORPAY_MERCHANT_ACCOUNT and WAYFORPAY_SECRET_KEY");
  return config.wayforpay;
}

export function stripeSettings(config: ServerConfig): NonNullable<ServerConfig["stripe"]> {
  if (!config.stripe) throw notConfigured("Stripe", "STRIPE_WEBHOOK_SECRET");
  return config.stripe;
}
