// Money helpers for the mapping (pure). decimal.js only, rounding half-up (away from zero on a tie,
// so a negative discount line rounds like its positive twin): 29.665 → 29.67, −29.665 → −29.67.
// Parse at the edge, keep Decimals, round only where Shopify or Zoho round, serialize last.
// See docs/decisions/006-money-and-rounding.md.
import DecimalJs from "decimal.js";
import { MappingError } from "./errors";

/** decimal.js with 40 significant digits (exact for any invoice; backing tax out divides) and half-up. */
export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP });
export type Decimal = DecimalJs;
// eslint-disable-next-line @typescript-eslint/no-namespace -- lets `Decimal.Value` work as with decimal.js
export declare namespace Decimal {
  type Value = DecimalJs.Value;
}

export const HALF_UP = DecimalJs.ROUND_HALF_UP;

// ISO 4217 minor units that are not 2. Zoho keeps at most 3 decimals, so 4-decimal units
// (CLF, UYW) are clamped to 3 by `currencyDecimals`.
const MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 3,
  UYW: 3,
};

/** Decimals of a currency's minor unit (JPY 0, KWD 3, anything else 2). */
export function currencyDecimals(currencyCode: string): number {
  return MINOR_UNITS[currencyCode.toUpperCase()] ?? 2;
}

/** True for a 3-letter ISO currency code. */
export function isCurrencyCode(value: unknown): value is string {
  return typeof value === "string" && /^[A-Z]{3}$/.test(value);
}

const DECIMAL_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a Shopify `Decimal` scalar (a string such as "29.99"; numbers are tolerated) into a Decimal.
 * `what` names the field in the merchant-facing error ("line 2 unit price").
 */
export function parseMoney(value: unknown, what: string): Decimal {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== "string" || !DECIMAL_RE.test(text.trim())) {
    throw new MappingError("malformed_order", `The order has an invalid amount for ${what}.`, { field: what });
  }
  return new Decimal(text.trim());
}

/** Rounds half-up to `dp` decimals. */
export function roundHalfUp(value: Decimal.Value, dp: number): Decimal {
  return new Decimal(value).toDecimalPlaces(dp, HALF_UP);
}

/** Decimal string with exactly `dp` decimals, rounded half-up ("12.50", "1200", "1.250"). */
export function formatMoney(value: Decimal.Value, dp: number): string {
  return new Decimal(value).toFixed(dp, HALF_UP);
}

/**
 * A JSON number for Zoho's `rate`/`adjustment` fields, rounded half-up to `dp` first. Exact: a
 * decimal with ≤ 15 significant digits survives the trip through an IEEE double and back.
 */
export function toZohoNumber(value: Decimal.Value, dp: number): number {
  const rounded = roundHalfUp(value, dp);
  if (rounded.precision(true) > 15) {
    throw new MappingError("unsupported_order", `The amount ${rounded.toFixed()} is too large for Zoho Books.`);
  }
  return rounded.toNumber();
}

export function sumDecimals(values: Iterable<Decimal.Value>): Decimal {
  let total = new Decimal(0);
  for (const v of values) total = total.plus(v);
  return total;
}

/** The smallest amount at `dp` decimals: 1 for 0, 0.01 for 2, 0.001 for 3. */
export function minorUnit(dp: number): Decimal {
  return new Decimal(10).pow(-dp);
}

/** "22", "9.975", "7.25" — a percentage without trailing zeros, for names and messages. */
export function formatPercent(value: Decimal.Value): string {
  return new Decimal(value).toDecimalPlaces(4, HALF_UP).toFixed();
}
