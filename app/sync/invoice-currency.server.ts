// The invoice currency of one order, with Zoho's currencies and rates read on the way (ADR 020): the
// I/O around the pure decisions of app/sync/invoice-currency.ts.
//
// Calls: none for the usual order (shop, customer and organization in one currency); else the
// organization's currency list (cached 10 min) and, for a currency other than the base one, Zoho's
// rate for the invoice date (cached). A Zoho-compatible server without /settings/currencies is
// taken to have the base currency only.
import { invoiceDate, orderTotals, presentmentCurrencyOf, type InvoiceCurrency, type PaidOrder } from "~/sync/mapping";
import { currencyDecimals } from "~/sync/money";
import type { ZohoClient } from "~/zoho/client.server";
import { listOrgCurrencies, zohoExchangeRate, type OrgCurrency } from "~/zoho/currencies.server";
import { ZohoNotFoundError } from "~/zoho/errors";
import {
  chooseExchangeRate,
  chooseInvoiceCurrency,
  type EnabledCurrency,
  type InvoiceIn,
  type RateSource,
} from "./invoice-currency";

export interface ResolvedCurrency {
  /** The mapping's currency option. */
  currency: InvoiceCurrency;
  /** Zoho's price precision in the invoice currency. */
  pricePrecision: number;
  rateSource: RateSource;
  /** Why the customer's currency was not used although the setting asks for it. */
  fallbackReason: string | null;
}

export interface ResolveInput {
  invoiceIn: InvoiceIn;
  /** The organization's base currency and price precision (the connection's). */
  baseCurrency: string;
  basePricePrecision: number;
  timezone: string;
  /** Re-read Zoho's currencies and rates (a person retrying after fixing them). */
  refresh?: boolean;
}

export async function resolveInvoiceCurrency(
  zoho: ZohoClient,
  order: PaidOrder,
  input: ResolveInput,
): Promise<ResolvedCurrency> {
  const base = input.baseCurrency.toUpperCase();
  const shop = order.currencyCode;
  const presentment = presentmentCurrencyOf(order);
  const baseOnly: EnabledCurrency = {
    currencyId: "",
    currencyCode: base,
    pricePrecision: input.basePricePrecision,
    isBase: true,
  };
  // Everything in the base currency: nothing to ask Zoho.
  const needsZoho = shop !== base || (input.invoiceIn === "customer" && presentment !== shop);
  const enabled = needsZoho ? await enabledCurrencies(zoho, input, baseOnly) : [baseOnly];
  const choice = chooseInvoiceCurrency(input.invoiceIn, { shop, presentment }, enabled);
  const date = invoiceDate(order.processedAt, input.timezone);
  const code = choice.currency.currencyCode;
  const zohoRate = choice.currency.isBase
    ? null
    : await zohoExchangeRate(zoho, choice.currency.currencyId, date, { refresh: input.refresh });
  const totals = orderTotals(order);
  const rate = chooseExchangeRate({
    invoiceCurrency: code,
    baseCurrency: base,
    date,
    zohoRate,
    shopTotal: totals.shop,
    presentmentTotal: totals.presentment,
  });
  return {
    currency: {
      bag: choice.bag,
      currencyCode: code,
      ...(choice.currency.currencyId ? { currencyId: choice.currency.currencyId } : {}),
      exchangeRate: rate.rate,
    },
    pricePrecision: choice.currency.pricePrecision,
    rateSource: rate.source,
    fallbackReason: choice.fallbackReason,
  };
}

async function enabledCurrencies(
  zoho: ZohoClient,
  input: ResolveInput,
  baseOnly: EnabledCurrency,
): Promise<EnabledCurrency[]> {
  let listed: OrgCurrency[];
  try {
    listed = await listOrgCurrencies(zoho, { refresh: input.refresh });
  } catch (err) {
    if (err instanceof ZohoNotFoundError) return [baseOnly]; // a server without the currencies API
    throw err;
  }
  if (listed.length === 0) return [baseOnly];
  return listed.map((c) => ({
    currencyId: c.currencyId,
    currencyCode: c.currencyCode,
    // The base currency's precision is the organization's (stored at connect); others as Zoho says.
    pricePrecision: c.isBase ? input.basePricePrecision : (c.pricePrecision ?? currencyDecimals(c.currencyCode)),
    isBase: c.isBase || c.currencyCode === baseOnly.currencyCode,
  }));
}
