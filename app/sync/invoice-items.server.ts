// Zoho items on a mapped invoice (issue 11, design §7): every product line linked to an item (found by
// SKU or name in the organization's item index, else created when the setting allows), and — where the
// organization requires an item on every line — service items for shipping, discount and tip lines.
import type { Logger } from "~/logger.server";
import type { MappedInvoice } from "~/sync/mapping";
import type { CreditLineSource, MappedCreditNote } from "~/sync/mapping/credit-note";
import type { ZohoClient } from "~/zoho/client.server";
import { ensureItems, type ItemLookupContext, type ItemSpec } from "~/zoho/items.server";

/** The service item a non-product line is linked to where Zoho needs one. */
export const SERVICE_ITEM_NAMES = { shipping: "Shipping", discount: "Discount", tip: "Tip" } as const;

export interface LinkedItems {
  mapped: MappedInvoice;
  /** Items created in Zoho for this order (name, SKU). */
  created: Array<{ name: string; sku?: string; itemId: string }>;
}

/**
 * Sets `item_id` on the lines that lack one: product lines always (created when `create`), the other
 * lines only when `required`. A line left without an item stays a free-form line.
 */
export async function linkInvoiceItems(
  zoho: ZohoClient,
  ctx: ItemLookupContext,
  mapped: MappedInvoice,
  opts: { create: boolean; required: boolean; log?: Logger },
): Promise<LinkedItems> {
  const wanted: Array<{ line: number; spec: ItemSpec }> = [];
  mapped.payload.line_items.forEach((line, i) => {
    if (line.item_id) return;
    const source = mapped.lineSources[i]!;
    if (source.kind === "product") {
      wanted.push({
        line: i,
        spec: {
          name: line.name,
          rate: line.rate,
          productType: source.productType,
          ...(source.sku ? { sku: source.sku } : {}),
          ...(line.tax_id ? { taxId: line.tax_id } : {}),
        },
      });
    } else if (opts.required) {
      // One untaxed service item per kind at rate 0: each line keeps its own name, rate and tax.
      wanted.push({ line: i, spec: { name: SERVICE_ITEM_NAMES[source.kind], rate: 0, productType: "service" } });
    }
  });
  if (wanted.length === 0) return { mapped, created: [] };
  // A service item is created whenever the organization needs one, whatever the product setting says.
  const products = wanted.filter((w) => mapped.lineSources[w.line]!.kind === "product");
  const services = wanted.filter((w) => mapped.lineSources[w.line]!.kind !== "product");
  const created: LinkedItems["created"] = [];
  const lineItems = [...mapped.payload.line_items];
  for (const [group, create] of [
    [products, opts.create],
    [services, true],
  ] as const) {
    if (group.length === 0) continue;
    const ensured = await ensureItems(
      zoho,
      ctx,
      group.map((w) => w.spec),
      { create, ...(opts.log ? { log: opts.log } : {}) },
    );
    group.forEach((w, k) => {
      const itemId = ensured.ids[k];
      if (itemId) lineItems[w.line] = { ...lineItems[w.line]!, item_id: itemId };
    });
    created.push(...ensured.created.map((c) => ({ name: c.name, itemId: c.itemId, ...(c.sku ? { sku: c.sku } : {}) })));
  }
  return { mapped: { ...mapped, payload: { ...mapped.payload, line_items: lineItems } }, created };
}

/** The service item a credit note line that is not a product is linked to where Zoho needs one. */
export const CREDIT_SERVICE_ITEM_NAMES: Record<Exclude<CreditLineSource, "product">, string> = {
  shipping: SERVICE_ITEM_NAMES.shipping,
  adjustment: "Refund adjustment",
  discrepancy: "Refund adjustment",
  rounding: "Refund adjustment",
};

/**
 * A credit note for an organization that requires an item on every line (the invoice sync learned it,
 * ADR 018): a product line without its invoice line's item is linked by name (created when `create`),
 * the shipping refund, restocking fee and other lines to a service item, created whatever `create` says
 * as on invoices. Where the organization does not require items the credit note is left as mapped.
 */
export async function linkCreditNoteItems(
  zoho: ZohoClient,
  ctx: ItemLookupContext,
  mapped: MappedCreditNote,
  opts: { create: boolean; required: boolean; log?: Logger },
): Promise<MappedCreditNote> {
  if (!opts.required) return mapped;
  const wanted = mapped.payload.line_items.flatMap((line, i) => {
    if (line.item_id) return [];
    const source = mapped.lineSources[i]!;
    const spec: ItemSpec =
      source === "product"
        ? { name: line.name, rate: line.rate, productType: "goods", ...(line.tax_id ? { taxId: line.tax_id } : {}) }
        : { name: CREDIT_SERVICE_ITEM_NAMES[source], rate: 0, productType: "service" };
    return [{ line: i, product: source === "product", spec }];
  });
  if (wanted.length === 0) return mapped;
  const lineItems = [...mapped.payload.line_items];
  for (const product of [true, false]) {
    const group = wanted.filter((w) => w.product === product);
    if (group.length === 0) continue;
    const ensured = await ensureItems(
      zoho,
      ctx,
      group.map((w) => w.spec),
      { create: product ? opts.create : true, ...(opts.log ? { log: opts.log } : {}) },
    );
    group.forEach((w, k) => {
      const itemId = ensured.ids[k];
      if (itemId) lineItems[w.line] = { ...lineItems[w.line]!, item_id: itemId };
    });
  }
  return { ...mapped, payload: { ...mapped.payload, line_items: lineItems } };
}
