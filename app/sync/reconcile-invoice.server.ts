// Zoho's answer against the order (design §4, ADR 006): the total must equal Shopify's and Zoho must
// charge the tax percentages the invoice was mapped with. Only a draft is ever changed, with one PUT.
import type { AdminGraphql } from "~/shopify/orders.server";
import { MappingError, ROUNDING_DESCRIPTION, taxRateDrift, type TaxRateDrift } from "~/sync/mapping";
import { currencyDecimals, Decimal, formatMoney, toZohoNumber } from "~/sync/money";
import { prepareInvoice, type Prepared } from "~/sync/prepare-invoice.server";
import type { ZohoClient } from "~/zoho/client.server";
import { updateDraftInvoice } from "~/zoho/invoices.server";
import type { ZohoInvoice, ZohoInvoicePayload } from "~/zoho/types";

export interface Reconciled {
  invoice: ZohoInvoice;
  /** The payload the invoice now carries (re-prepared when the tax table was refreshed). */
  prepared: Prepared;
  /** The rounding adjustment was corrected with a PUT. */
  corrected: boolean;
  /** Zoho charged other tax percentages than our cached table: refreshed, invoice sent again. */
  taxesRefreshed: TaxRateDrift[];
  /** More than rounding explains stays between Zoho and Shopify: never adjusted away (issue 11). */
  mismatch: MappingError | null;
}

/**
 * Zoho's total must equal Shopify's, and Zoho must charge the tax percentages we mapped with.
 * - Zoho's line shows another percentage than our cached tax table (the merchant changed a tax in
 *   Zoho): refresh the table, map again and PUT the draft — once.
 * - A gap within rounding (`mapped.roundingTolerance`, about one minor unit per line): moved into the
 *   "Rounding" adjustment with one PUT.
 * - A larger gap or a tax percentage still off: left as Zoho computed it, `mismatch` says why.
 * Only a draft is changed.
 */
export async function reconcileTotal(
  zoho: ZohoClient,
  invoice: ZohoInvoice,
  prepared: Prepared,
  opts: { reprepare?: () => Promise<Prepared> } = {},
): Promise<Reconciled> {
  const unchanged = { invoice, prepared, corrected: false, taxesRefreshed: [], mismatch: null };
  if (invoice.status !== "draft") return unchanged;
  let current = prepared;
  let answer = invoice;
  const drift = taxRateDrift(answer.line_items, current.taxes);
  if (drift.length && opts.reprepare) {
    current = await opts.reprepare();
    answer = await updateDraftInvoice(zoho, answer.invoice_id, current.payload, { current: answer });
  }
  const refreshed = opts.reprepare ? drift : [];
  const expected = new Decimal(current.mapped.expectedTotal);
  const actual = new Decimal(String(answer.total));
  const stillDrifting = taxRateDrift(answer.line_items, current.taxes);
  const mismatch = totalMismatch(answer, current, stillDrifting);
  if (mismatch || actual.eq(expected))
    return { invoice: answer, prepared: current, corrected: false, taxesRefreshed: refreshed, mismatch };
  const adjustment = new Decimal(answer.adjustment ?? current.payload.adjustment ?? 0).plus(expected.minus(actual));
  const payload: ZohoInvoicePayload = {
    ...current.payload,
    adjustment: toZohoNumber(adjustment, current.currency.pricePrecision),
    adjustment_description: ROUNDING_DESCRIPTION,
  };
  // `current`: the invoice we hold is the draft Zoho just answered with — no status re-check needed.
  const updated = await updateDraftInvoice(zoho, answer.invoice_id, payload, { current: answer });
  return { invoice: updated, prepared: current, corrected: true, taxesRefreshed: refreshed, mismatch: null };
}

/** reconcileTotal where Zoho's changed tax percentages are followed: the order is prepared again with a fresh tax table. */
export function reconcileWithTaxRefresh(
  zoho: ZohoClient,
  invoice: ZohoInvoice,
  prepared: Prepared,
  order: { shop: string; orderId: string; graphql: AdminGraphql },
): Promise<Reconciled> {
  const reprepare = () => prepareInvoice(order.shop, order.orderId, zoho, order.graphql, { refreshTaxes: true });
  return reconcileTotal(zoho, invoice, prepared, { reprepare });
}

/** Why Zoho's answer is more than a rounding away from the order, or null. */
function totalMismatch(invoice: ZohoInvoice, prepared: Prepared, drift: TaxRateDrift[]): MappingError | null {
  const first = drift[0];
  if (first)
    return new MappingError(
      "tax_mismatch",
      `Zoho Books charged ${first.zohoPercent}% for the tax "${first.taxName}" on invoice ${invoice.invoice_number}, ` +
        `the order ${first.cachedPercent}% — check the Zoho tax rate in Zoho Books › Settings › Taxes.`,
      { taxId: first.taxId, zohoPercent: first.zohoPercent, cachedPercent: first.cachedPercent },
    );
  const { currencyCode, expectedTotal, roundingTolerance } = prepared.mapped;
  const gap = new Decimal(expectedTotal).minus(String(invoice.total));
  if (gap.abs().lte(roundingTolerance)) return null;
  const decimals = currencyDecimals(currencyCode);
  return new MappingError(
    "tax_mismatch",
    `Zoho Books totals invoice ${invoice.invoice_number} ${formatMoney(String(invoice.total), decimals)} ${currencyCode}, ` +
      `the order ${expectedTotal}: ${formatMoney(gap.abs(), decimals)} is more than rounding explains, so it was not ` +
      "adjusted — check the Zoho tax rates of the order's taxes.",
    { gap: gap.toFixed() },
  );
}
