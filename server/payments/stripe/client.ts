// The official stripe package, as this module uses it. Verifying a webhook needs only the
// endpoint's signing secret (whsec_…), never an API key: the package's static `Stripe.webhooks`
// is the same helper every client instance carries as `stripe.webhooks`, so no client (and no
// placeholder key) is constructed here.

import Stripe from "stripe";

/** `constructEvent`, `generateTestHeaderString`, … of the installed stripe package. */
export const stripeWebhooks = Stripe.webhooks;

/** The Stripe API version the installed package's types describe. Create the webhook endpoint
 *  with this version, so event payloads have the shapes the parser expects. */
export const STRIPE_API_VERSION: string = Stripe.API_VERSION;

/** The package's verification error, for `instanceof`. */
export const StripeSignatureVerificationError = Stripe.errors.StripeSignatureVerificationError;
