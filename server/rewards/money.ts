// Reward arithmetic: commission in the order currency's minor units, then conversion to token
// units (wei). Money never touches floating point: every amount is a bigint from the first
// multiplication on, and `number` inputs are integers checked before they are converted.
//
// Rounding: ALWAYS DOWN (floor; every operand is non-negative, so floor = truncation). The
// referrer is never paid more than earned: the commission is floored to a whole minor unit, the
// token amount is floored to a whole wei, and the dust that rounding drops stays with the program.

/** Basis points: 10 000 bps = 100 %. */
export const BPS_DENOMINATOR = 10_000n;

/** The contract stores reward amounts as uint96. */
export const MAX_UINT96 = (1n << 96n) - 1n;

/** The commission program: a default rate for store orders (overridable per line item), a rate
 *  for memberships, and a cap on the total as a share of the order amount. All in bps, 0..10 000. */
export interface CommissionProgram {
  defaultBps: number;
  membershipBps: number;
  capBps: number;
}

export interface CommissionLineItem {
  quantity: number;
  unitAmountMinor: number;
  /** Overrides the program's default rate for this item. */
  commissionBps?: number;
}

export interface CommissionOrder {
  kind: "store" | "membership";
  /** Order amount in minor units (the base of the cap and of the effective rate). */
  amountMinor: number;
  lineItems: readonly CommissionLineItem[];
}

export interface Commission {
  /** The reward in the order currency's minor units, rounded down. */
  rewardMinor: bigint;
  /** The effective rate of the result, floor(rewardMinor × 10 000 / amountMinor): for display
   *  and the ledger; with items of different rates it is the cart-weighted rate after the cap,
   *  rounded down (it may be lower than every item's rate by less than 1 bps of rounding). */
  commissionBps: number;
}

/** Base class of every error this module throws. */
export class MoneyError extends Error {
  override name = "MoneyError";
}

/** A program rate, quantity or amount outside its range. */
export class InvalidAmountError extends MoneyError {
  override name = "InvalidAmountError";
}

/** Not an ISO 4217 currency code this runtime knows. */
export class UnknownCurrencyError extends MoneyError {
  override name = "UnknownCurrencyError";
  readonly currency: string;
  constructor(currency: string) {
    super(`unknown currency ${JSON.stringify(currency)}: expected an ISO 4217 code such as USD`);
    this.currency = currency;
  }
}

/** A price that cannot size a reward (zero or negative, or bad decimals). */
export class InvalidPriceError extends MoneyError {
  override name = "InvalidPriceError";
}

/** A token amount above what the contract can store (uint96). */
export class AmountOverflowError extends MoneyError {
  override name = "AmountOverflowError";
  readonly amount: bigint;
  constructor(amount: bigint, what = "token amount") {
    super(`${what} ${amount} exceeds the contract's uint96 maximum ${MAX_UINT96}`);
    this.amount = amount;
  }
}

function bps(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value) || value < 0 || value > 10_000) {
    throw new InvalidAmountError(`${what} must be an integer from 0 to 10000 basis points, got ${value}`);
  }
  return BigInt(value);
}

function nonNegativeInteger(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidAmountError(`${what} must be a non-negative safe integer, got ${value}`);
  }
  return BigInt(value);
}

/**
 * The reward of an order, rounded down to a whole minor unit:
 * - membership: floor(amount × membershipBps / 10 000);
 * - store without line items: floor(amount × defaultBps / 10 000);
 * - store with line items: floor(Σ quantity × unitAmount × (item bps ?? defaultBps) / 10 000),
 *   the cart-weighted rate (one floor on the sum, not one per item);
 * each capped at floor(amount × capBps / 10 000).
 */
export function computeCommission(order: CommissionOrder, program: CommissionProgram): Commission {
  const defaultBps = bps(program.defaultBps, "defaultBps");
  const membershipBps = bps(program.membershipBps, "membershipBps");
  const capBps = bps(program.capBps, "capBps");
  const amount = nonNegativeInteger(order.amountMinor, "amountMinor");

  let reward: bigint;
  if (order.kind === "membership") {
    reward = (amount * membershipBps) / BPS_DENOMINATOR;
  } else if (order.lineItems.length === 0) {
    reward = (amount * defaultBps) / BPS_DENOMINATOR;
  } else {
    let weighted = 0n;
    order.lineItems.forEach((item, i) => {
      const quantity = nonNegativeInteger(item.quantity, `lineItems[${i}].quantity`);
      const unit = nonNegativeInteger(item.unitAmountMinor, `lineItems[${i}].unitAmountMinor`);
      const rate =
        item.commissionBps === undefined ? defaultBps : bps(item.commissionBps, `lineItems[${i}].commissionBps`);
      weighted += quantity * unit * rate;
    });
    reward = weighted / BPS_DENOMINATOR;
  }

  const cap = (amount * capBps) / BPS_DENOMINATOR;
  if (reward > cap) reward = cap;
  const commissionBps = amount === 0n ? 0 : Number((reward * BPS_DENOMINATOR) / amount);
  return { rewardMinor: reward, commissionBps };
}

let knownCurrencies: Set<string> | undefined;

/** Whether `code` is an ISO 4217 code (upper case) the runtime's ICU data knows. */
export function isKnownCurrency(code: string): boolean {
  knownCurrencies ??= new Set(Intl.supportedValuesOf("currency"));
  return knownCurrencies.has(code);
}

/** Minor-unit digits of an ISO 4217 currency (USD 2, JPY 0, BHD 3), from the runtime's ICU data. */
export function currencyExponent(currency: string): number {
  let exponent = exponents.get(currency);
  if (exponent === undefined) {
    if (!isKnownCurrency(currency)) throw new UnknownCurrencyError(currency);
    // An Intl.NumberFormat costs tens of microseconds: read each currency's digits once.
    exponent = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits!;
    exponents.set(currency, exponent);
  }
  return exponent;
}

const exponents = new Map<string, number>();

/** "1547.30 UAH", for people (e.g. the payment ledger's details); minor units for an unknown currency. */
export function formatMoney(amountMinor: bigint, currency: string | null): string {
  if (currency === null || !isKnownCurrency(currency)) return `${amountMinor} minor units`;
  const exponent = currencyExponent(currency);
  if (exponent === 0) return `${amountMinor} ${currency}`;
  const sign = amountMinor < 0n ? "-" : "";
  const digits = (amountMinor < 0n ? -amountMinor : amountMinor).toString().padStart(exponent + 1, "0");
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)} ${currency}`;
}

/** A price as `answer / 10^decimals` currency units per whole token. */
export interface PriceQuote {
  answer: bigint;
  decimals: number;
}

/** Throws AmountOverflowError when `amount` does not fit the contract's uint96. */
export function assertUint96(amount: bigint, what = "token amount"): bigint {
  if (amount < 0n || amount > MAX_UINT96) throw new AmountOverflowError(amount, what);
  return amount;
}

/**
 * Converts a reward in minor units to token units (wei), rounded down:
 * wei = floor(rewardMinor × 10^tokenDecimals × 10^priceDecimals / (10^currencyExponent × answer)),
 * so wei × price ≤ reward always holds. Throws InvalidPriceError for a non-positive answer and
 * AmountOverflowError above uint96.
 */
export function toTokenUnits(input: {
  rewardMinor: bigint;
  currency: string;
  price: PriceQuote;
  tokenDecimals: number;
}): bigint {
  const { rewardMinor, price, tokenDecimals } = input;
  if (price.answer <= 0n) throw new InvalidPriceError(`price answer must be positive, got ${price.answer}`);
  if (!Number.isSafeInteger(price.decimals) || price.decimals < 0 || price.decimals > 77) {
    throw new InvalidPriceError(`price decimals must be an integer from 0 to 77, got ${price.decimals}`);
  }
  if (!Number.isSafeInteger(tokenDecimals) || tokenDecimals < 0 || tokenDecimals > 77) {
    throw new InvalidAmountError(`tokenDecimals must be an integer from 0 to 77, got ${tokenDecimals}`);
  }
  if (rewardMinor < 0n) throw new InvalidAmountError(`rewardMinor must not be negative, got ${rewardMinor}`);
  const exponent = BigInt(currencyExponent(input.currency));
  const numerator = rewardMinor * 10n ** BigInt(tokenDecimals) * 10n ** BigInt(price.decimals);
  const denominator = 10n ** exponent * price.answer;
  return assertUint96(numerator / denominator);
}
