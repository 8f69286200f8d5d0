// Amounts and taxes of one Shopify line: its shop-currency money, its Zoho tax, the tax choice shown
// to the merchant, and Shopify's own tax on it.
import { MappingError } from "../errors";
import { Decimal, formatPercent, parseMoney, sumDecimals } from "../money";
import { matchTax, taxLinePercent } from "../tax-match";
import type { LineTax, MappingContext, MoneyBag, ShopifyTax, TaxChoice, TaxLine } from "./types";

/** shopMoney of a MoneyBag, checked to be in the shop currency. */
export function shopMoney(bag: MoneyBag | null | undefined, what: string, currency: string): Decimal {
  const money = bag?.shopMoney;
  if (!money) throw new MappingError("malformed_order", `The order has no amount for ${what}.`);
  if (money.currencyCode && money.currencyCode !== currency) {
    throw new MappingError(
      "malformed_order",
      `The ${what} is in ${money.currencyCode}, not the shop currency ${currency}.`,
    );
  }
  return parseMoney(money.amount, what);
}

/** The Zoho tax for a line's Shopify tax lines; `untaxed` says why the line carries no tax at all. */
export function lineTax(taxLines: readonly TaxLine[], untaxed: string | null, ctx: MappingContext): LineTax {
  if (ctx.taxExempt) return { untaxedReason: "the order is tax-exempt" };
  if (untaxed) return { untaxedReason: untaxed };
  if (taxLines.length === 0) return { untaxedReason: "no Shopify tax on this line" };
  const rates = taxLines.map((t) => ({ title: t.title, percent: taxLinePercent(t) }));
  try {
    return { match: matchTax(rates, ctx.taxes, { mappings: ctx.taxMappings }) };
  } catch (err) {
    // A 0% rate without a 0% Zoho tax is simply an untaxed line.
    if (err instanceof MappingError && rates.every((r) => r.percent.isZero())) {
      return { untaxedReason: "0% tax and no 0% tax in Zoho" };
    }
    throw err;
  }
}

export function taxChoice(line: string, tax: LineTax, taxLines: readonly TaxLine[]): TaxChoice {
  const ratePercent = formatPercent(tax.match?.percent ?? sumDecimals(taxLines.map((t) => taxLinePercent(t))));
  return tax.match
    ? { line, ratePercent, taxId: tax.match.entry.tax_id, taxName: tax.match.entry.tax_name, reason: tax.match.reason }
    : { line, ratePercent, taxId: "", taxName: "", reason: `untaxed: ${tax.untaxedReason ?? "no tax"}` };
}

/** Shopify's tax on a line that carries a Zoho tax (an untaxed line's Shopify tax is not invoiced). */
export function shopifyTaxOf(taxLines: readonly TaxLine[], tax: LineTax, what: string, currency: string): ShopifyTax {
  if (!tax.match) return { amount: new Decimal(0), count: 0 };
  const amounts = taxLines.map((t) => shopMoney(t.priceSet, `the ${t.title} tax on ${what}`, currency));
  return { amount: sumDecimals(amounts), count: amounts.length };
}
