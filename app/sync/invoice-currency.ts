// In which currency is an order invoiced, and at what exchange rate to the organization's base
// currency? (issue 14, ADR 020). PURE: the Zoho currencies and Zoho's rate are read by the caller
// (app/sync/invoice-currency.server.ts); this module only decides.
//
//   currency: the customer's (presentment) when the setting says so and Zoho has it enabled, else the
//             shop's; a shop currency Zoho does not have enabled is a refusal naming it.
//   rate:     1 in the base currency; else Zoho's own rate for the invoice date; else the rate the
//             order's own two money bags imply when one of them is the base currency; else a refusal
//             naming the rate to add.
import { MappingError } from "./errors";
import type { MoneyBagChoice } from "./mapping/money-bag";
import { Decimal } from "./money";

/** The merchant's setting "Invoice in". */
export type InvoiceIn = "customer" | "shop";
export const INVOICE_IN_DEFAULT: InvoiceIn = "customer";
export const isInvoiceIn = (v: unknown): v is InvoiceIn => v === "customer" || v === "shop";

/** A currency the Zoho organization has enabled (GET /settings/currencies). */
export interface EnabledCurrency {
  currencyId: string;
  currencyCode: string;
  /** Decimals Zoho keeps on prices in this currency. */
  pricePrecision: number;
  isBase: boolean;
}

export interface CurrencyChoice {
  bag: MoneyBagChoice;
  currency: EnabledCurrency;
  /** Why the customer's currency was not used although the setting asks for it (told in Activity). */
  fallbackReason: string | null;
}

/** Decimals Zoho keeps on exchange rates. */
export const RATE_DECIMALS = 6;

/**
 * The invoice currency for an order paid in `presentment` by a shop selling in `shop`.
 * @throws MappingError "currency_not_enabled" when the shop currency is not enabled in Zoho.
 */
export function chooseInvoiceCurrency(
  invoiceIn: InvoiceIn,
  currencies: { shop: string; presentment: string },
  enabled: readonly EnabledCurrency[],
): CurrencyChoice {
  const find = (code: string) => enabled.find((c) => c.currencyCode.toUpperCase() === code.toUpperCase());
  const customer = find(currencies.presentment);
  const differs = currencies.presentment !== currencies.shop;
  if (invoiceIn === "customer" && differs && customer)
    return { bag: "presentment", currency: customer, fallbackReason: null };
  const shop = find(currencies.shop);
  if (!shop) {
    throw new MappingError(
      "currency_not_enabled",
      `The shop sells in ${currencies.shop}, which is not enabled in your Zoho Books organization — ` +
        `enable ${currencies.shop} in Zoho Books › Settings › Currencies, then retry.`,
      { currency: currencies.shop },
    );
  }
  const fallbackReason =
    invoiceIn === "customer" && differs && !customer
      ? `The customer paid in ${currencies.presentment}, which is not enabled in Zoho Books; invoiced in the shop's ${currencies.shop}. Enable ${currencies.presentment} in Zoho Books › Settings › Currencies to invoice in the customer's currency.`
      : null;
  return { bag: "shop", currency: shop, fallbackReason };
}

export type RateSource = "base" | "zoho" | "order";

export interface RateQuestion {
  invoiceCurrency: string;
  baseCurrency: string;
  /** The invoice date (for the message). */
  date: string;
  /** Zoho's rate for the invoice currency on that date (base units per invoice unit), if Zoho has one. */
  zohoRate: string | null;
  /** The order total in the shop's money and in what the customer paid. */
  shopTotal: { amount: string; currencyCode: string };
  presentmentTotal: { amount: string; currencyCode: string } | null;
}

/**
 * The exchange rate of the invoice currency to the base currency, and where it came from.
 * @throws MappingError "exchange_rate_missing" naming the rate to add.
 */
export function chooseExchangeRate(q: RateQuestion): { rate: string; source: RateSource } {
  const base = q.baseCurrency.toUpperCase();
  const invoice = q.invoiceCurrency.toUpperCase();
  if (invoice === base) return { rate: "1", source: "base" };
  const zoho = positive(q.zohoRate);
  if (zoho) return { rate: zoho.toFixed(), source: "zoho" };
  const implied = impliedRate(invoice, base, q.shopTotal, q.presentmentTotal);
  if (implied) return { rate: implied.toFixed(), source: "order" };
  throw new MappingError(
    "exchange_rate_missing",
    `Zoho Books has no exchange rate from ${invoice} to ${base} for ${q.date}, and the order does not show one — ` +
      `add a ${invoice} rate in Zoho Books › Settings › Currencies, then retry.`,
    { currency: invoice, baseCurrency: base, date: q.date },
  );
}

/**
 * The rate Shopify itself used for this order, when one bag is the invoice currency and the other the
 * base currency: base amount ÷ invoice amount of the order total, at Zoho's rate precision.
 */
export function impliedRate(
  invoice: string,
  base: string,
  shopTotal: RateQuestion["shopTotal"],
  presentmentTotal: RateQuestion["presentmentTotal"],
): Decimal | null {
  if (!presentmentTotal) return null;
  const bags = [shopTotal, presentmentTotal];
  const inInvoice = bags.find((b) => b.currencyCode.toUpperCase() === invoice);
  const inBase = bags.find((b) => b.currencyCode.toUpperCase() === base);
  if (!inInvoice || !inBase) return null;
  const i = positive(inInvoice.amount);
  const b = positive(inBase.amount);
  if (!i || !b) return null;
  return b.div(i).toDecimalPlaces(RATE_DECIMALS, Decimal.ROUND_HALF_UP);
}

function positive(value: string | null | undefined): Decimal | null {
  if (value === null || value === undefined) return null;
  let d: Decimal;
  try {
    d = new Decimal(value.trim());
  } catch {
    return null; // not a number
  }
  return d.isFinite() && d.gt(0) ? d : null;
}
