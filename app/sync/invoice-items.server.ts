// Zoho items on a mapped invoice (issue 11, design §7): every product line linked to an item (found by
// SKU or name in the organization's item index, else created when the setting allows), and — where the
// organization requires an item on every line — service items for shipping, discount and tip lines.
import type { Logger } from "~/logger.server";
import type { MappedInvoice } from "~/sync/mapping";
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
