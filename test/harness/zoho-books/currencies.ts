// Currencies [OAS:currency]: GET /settings/currencies (the enabled ones, base first),
// GET/POST /settings/currencies/{id}/exchangerates. `from_date` answers the rate effective on that date
// or the previous closest one (OAS), newest first; without it every rate, newest first.
import { currencyDecimals } from "~/sync/money";
import { invalid, methodNotAllowed, notFound, ok, optNumber, optString, page, readJson, type OrgRequest } from "./http";
import { newId, type SimCurrency, type SimOrganization } from "./state";

export function currencyPricePrecision(org: SimOrganization, c: SimCurrency): number {
  if (c.currency_id === org.organization.currency_id) return org.organization.price_precision;
  return c.price_precision ?? currencyDecimals(c.currency_code);
}

function renderCurrency(org: SimOrganization, c: SimCurrency): Record<string, unknown> {
  const isBase = c.currency_id === org.organization.currency_id;
  const latest = [...(c.exchange_rates ?? [])].sort((a, b) => b.effective_date.localeCompare(a.effective_date))[0];
  return {
    currency_id: c.currency_id,
    currency_code: c.currency_code,
    currency_name: c.currency_code,
    currency_symbol: isBase ? org.organization.currency_symbol : c.currency_code,
    price_precision: currencyPricePrecision(org, c),
    currency_format: "1,234,567.89",
    is_base_currency: isBase,
    exchange_rate: isBase ? 1 : (latest?.rate ?? 0),
    effective_date: latest?.effective_date ?? "",
  };
}

function renderRates(c: SimCurrency, fromDate: string | null): Array<Record<string, unknown>> {
  const newestFirst = [...(c.exchange_rates ?? [])].sort((a, b) => b.effective_date.localeCompare(a.effective_date));
  const rates = fromDate ? newestFirst.filter((r) => r.effective_date <= fromDate).slice(0, 1) : newestFirst;
  return rates.map((r) => ({ ...r, currency_id: c.currency_id, currency_code: c.currency_code }));
}

export async function routeCurrencies({ request, method, org, q, seg }: OrgRequest): Promise<Response> {
  // seg: ["settings", "currencies", id?, "exchangerates"?]
  const [, , currencyId, sub] = seg;
  if (!currencyId) {
    if (method !== "GET") throw methodNotAllowed(method);
    const base = org.currencies.get(org.organization.currency_id)!;
    const all = [base, ...[...org.currencies.values()].filter((c) => c !== base)];
    const { items, page_context } = page(
      all.map((c) => renderCurrency(org, c)),
      q,
    );
    return ok({ currencies: items, page_context });
  }
  const currency = org.currencies.get(currencyId);
  if (!currency) throw notFound("Currency");
  if (sub === undefined && seg.length === 3) {
    if (method !== "GET") throw methodNotAllowed(method);
    return ok({ currency: renderCurrency(org, currency) });
  }
  if (sub !== "exchangerates" || seg.length > 4) throw notFound("Resource");
  if (method === "GET") return ok({ exchange_rates: renderRates(currency, q.get("from_date")) });
  if (method !== "POST") throw methodNotAllowed(method);
  const body = await readJson(request);
  const date = optString(body, "effective_date");
  const rate = optNumber(body, "rate");
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw invalid("effective_date", "use yyyy-mm-dd");
  if (rate === undefined || !(rate > 0)) throw invalid("rate");
  if (currency.currency_id === org.organization.currency_id) throw invalid("currency_id", "the base currency");
  const added = { exchange_rate_id: newId(), effective_date: date, rate };
  currency.exchange_rates = [...(currency.exchange_rates ?? []), added];
  return ok({ exchange_rate: added }, "The exchange rate has been added.", 201);
}
