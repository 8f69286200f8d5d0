// The organization's currencies and Zoho's exchange rates (issue 14, ADR 020) [OAS:currency]:
//   GET /settings/currencies                              the enabled currencies (base flagged), precision
//   GET /settings/currencies/{id}/exchangerates?from_date  the rate effective on a date (or the closest before)
// Both are cached per organization in this process: currencies for 10 minutes, a rate for a date for an
// hour (a found one) or a minute (none yet: the merchant may be adding it). An order in the base
// currency costs no call once the list is cached; an order in another currency one more per new date.
// `refresh` bypasses the caches (a person retrying after enabling a currency or adding a rate).
import { z } from "zod";
import type { ZohoClient } from "./client.server";
import type { ZohoCurrency, ZohoExchangeRate } from "./types";

export interface OrgCurrency {
  currencyId: string;
  currencyCode: string;
  /** Decimals Zoho keeps on prices in it (its minor units when Zoho does not say). */
  pricePrecision: number | null;
  isBase: boolean;
}

export const CURRENCIES_TTL_MS = 10 * 60_000;
const RATE_TTL_MS = 60 * 60_000;
const NO_RATE_TTL_MS = 60_000;

const id = z.union([z.string().min(1), z.number()]).transform(String);
const currenciesSchema = z.object({
  currencies: z
    .array(
      z.object({
        currency_id: id,
        currency_code: z.string(),
        price_precision: z.number().int().min(0).max(3).optional(),
        is_base_currency: z.boolean().optional(),
      }),
    )
    .default([]),
});
const ratesSchema = z.object({
  exchange_rates: z
    .array(z.object({ effective_date: z.string(), rate: z.union([z.number(), z.string()]).transform(String) }))
    .default([]),
});

const currencyCache = new Map<string, { at: number; value: OrgCurrency[] }>();
const rateCache = new Map<string, { at: number; ttl: number; value: string | null }>();

interface CacheOptions {
  refresh?: boolean;
  now?: () => number;
}

/** The currencies enabled in the client's organization, base first. */
export async function listOrgCurrencies(client: ZohoClient, opts: CacheOptions = {}): Promise<OrgCurrency[]> {
  const now = opts.now?.() ?? Date.now();
  const key = client.organizationId ?? "";
  const cached = currencyCache.get(key);
  if (cached && !opts.refresh && now - cached.at < CURRENCIES_TTL_MS) return cached.value;
  const body = currenciesSchema.parse(await client.get<{ currencies?: ZohoCurrency[] }>("/settings/currencies"));
  const value = body.currencies
    .map((c) => ({
      currencyId: c.currency_id,
      currencyCode: c.currency_code.toUpperCase(),
      pricePrecision: c.price_precision ?? null,
      isBase: c.is_base_currency === true,
    }))
    .sort((a, b) => Number(b.isBase) - Number(a.isBase));
  currencyCache.set(key, { at: now, value });
  return value;
}

/**
 * Zoho's rate for `currencyId` on `date` (base-currency units per unit, a decimal string): the rate
 * effective that day or the closest earlier one, as Zoho would default it; null when Zoho has none.
 */
export async function zohoExchangeRate(
  client: ZohoClient,
  currencyId: string,
  date: string,
  opts: CacheOptions = {},
): Promise<string | null> {
  const now = opts.now?.() ?? Date.now();
  const key = `${client.organizationId ?? ""}\u0000${currencyId}\u0000${date}`;
  const cached = rateCache.get(key);
  if (cached && !opts.refresh && now - cached.at < cached.ttl) return cached.value;
  const body = ratesSchema.parse(
    await client.get<{ exchange_rates?: ZohoExchangeRate[] }>(
      `/settings/currencies/${encodeURIComponent(currencyId)}/exchangerates`,
      { from_date: date, sort_column: "effective_date" },
    ),
  );
  // Whatever order Zoho lists them in: the latest effective on or before the date.
  const best = body.exchange_rates
    .filter((r) => r.effective_date <= date)
    .sort((a, b) => b.effective_date.localeCompare(a.effective_date))[0];
  const value = best ? best.rate : null;
  rateCache.set(key, { at: now, ttl: value ? RATE_TTL_MS : NO_RATE_TTL_MS, value });
  return value;
}

/** Forget what is cached for an organization (another organization picked, tests). */
export function forgetOrgCurrencies(organizationId?: string): void {
  if (organizationId === undefined) {
    currencyCache.clear();
    rateCache.clear();
    return;
  }
  currencyCache.delete(organizationId);
  for (const key of rateCache.keys()) if (key.startsWith(`${organizationId}\u0000`)) rateCache.delete(key);
}
