// The merchant's Zoho tax for a Shopify tax combination that fits several Zoho taxes equally well
// (issue 11, item 4). The only module that reads or writes the TaxMapping table.
//
// A sync that meets such a combination records it as waiting (no choice, the candidates Zoho had);
// Settings lists the waiting ones with those candidates; the merchant's choice is then passed to the
// mapping (`taxMappings`) for every later order with the same Shopify taxes. Per shop + organization.
import { prisma } from "~/db.server";
import type { QueueSet } from "~/queue/queues.server";
import { MAX_ORDERS_PER_SEND, sendOrdersNow } from "~/sync/manual-send.server";
import { formatPercent } from "~/sync/money";
import { effectivePercent } from "~/sync/tax-match";
import { cachedTaxTable } from "~/zoho/taxes.server";

export interface TaxMappingContext {
  shop: string;
  organizationId: string;
}

export interface TaxMappingView {
  /** The Shopify tax titles, joined with " + " (app/sync/tax-match.ts `shopifyTaxesKey`). */
  shopifyTaxes: string;
  /** The merchant's choice; null while orders wait for it. */
  zohoTaxId: string | null;
  /** The Zoho taxes that fit equally well when the choice was asked for. */
  candidates: string[];
}

/** The choices made, for the mapping: Shopify taxes → Zoho tax id. */
export async function chosenTaxMappings(ctx: TaxMappingContext): Promise<Record<string, string>> {
  const rows = await prisma.taxMapping.findMany({
    where: { shop: ctx.shop, organizationId: ctx.organizationId, zohoTaxId: { not: null } },
    select: { shopifyTaxes: true, zohoTaxId: true },
  });
  return Object.fromEntries(rows.map((r) => [r.shopifyTaxes, r.zohoTaxId!]));
}

/**
 * An order met Shopify taxes that fit several Zoho taxes: ask the merchant (once). A choice that no
 * longer fits (the tax changed in Zoho) is asked again with today's candidates.
 */
export async function recordAmbiguousTax(
  ctx: TaxMappingContext,
  shopifyTaxes: string,
  candidates: readonly string[],
): Promise<void> {
  const where = { shop_organizationId_shopifyTaxes: { ...ctx, shopifyTaxes } };
  await prisma.taxMapping.upsert({
    where,
    create: { ...ctx, shopifyTaxes, candidates: [...candidates] },
    update: { zohoTaxId: null, candidates: [...candidates] },
  });
}

export async function listTaxMappings(ctx: TaxMappingContext): Promise<TaxMappingView[]> {
  return prisma.taxMapping.findMany({
    where: { shop: ctx.shop, organizationId: ctx.organizationId },
    select: { shopifyTaxes: true, zohoTaxId: true, candidates: true },
    orderBy: [{ zohoTaxId: { sort: "asc", nulls: "first" } }, { shopifyTaxes: "asc" }],
  });
}

export class TaxMappingRefusedError extends Error {
  override readonly name = "TaxMappingRefusedError";
}

/**
 * The merchant's choice for `shopifyTaxes`: one of the candidates the app asked about.
 * @throws TaxMappingRefusedError for an unknown combination or a tax that was not a candidate.
 */
export async function chooseTaxMapping(ctx: TaxMappingContext, shopifyTaxes: string, zohoTaxId: string): Promise<void> {
  const where = { shop_organizationId_shopifyTaxes: { ...ctx, shopifyTaxes } };
  const row = await prisma.taxMapping.findUnique({ where });
  if (!row) throw new TaxMappingRefusedError(`No order is waiting for a Zoho tax for "${shopifyTaxes}".`);
  if (!row.candidates.includes(zohoTaxId))
    throw new TaxMappingRefusedError(`Choose one of the Zoho taxes offered for "${shopifyTaxes}".`);
  await prisma.taxMapping.update({ where, data: { zohoTaxId } });
}

/**
 * The merchant's choice, then the orders that waited for a tax choice are sent again (as a person's
 * Retry): those it settles go through, any other waits again with its own reason. Returns how many.
 */
export async function applyTaxChoice(
  ctx: TaxMappingContext,
  shopifyTaxes: string,
  zohoTaxId: string,
  deps: { queues?: QueueSet } = {},
): Promise<number> {
  await chooseTaxMapping(ctx, shopifyTaxes, zohoTaxId);
  const waiting = await prisma.orderSync.findMany({
    where: { shop: ctx.shop, status: "needs_attention", lastErrorCode: "ambiguous_tax", zohoInvoiceId: null },
    select: { orderId: true },
    take: MAX_ORDERS_PER_SEND,
  });
  if (waiting.length === 0) return 0;
  const sent = await sendOrdersNow(
    ctx.shop,
    waiting.map((w) => w.orderId),
    deps,
  );
  return sent.queued.length;
}

/** Forget a choice (the merchant's "Remove"): the next order with these taxes asks again. */
export async function removeTaxMapping(ctx: TaxMappingContext, shopifyTaxes: string): Promise<void> {
  await prisma.taxMapping.deleteMany({ where: { ...ctx, shopifyTaxes } });
}

export interface TaxChoiceView {
  shopifyTaxes: string;
  zohoTaxId: string | null;
  /** The candidates, named from the cached tax table (no Zoho call while a page loads). */
  options: Array<{ value: string; label: string }>;
}

/** What the Settings page shows: every combination asked about, waiting ones first. */
export async function taxChoicesForSettings(shop: string): Promise<TaxChoiceView[]> {
  const conn = await prisma.zohoConnection.findUnique({ where: { shop }, select: { organizationId: true } });
  if (!conn?.organizationId) return [];
  const ctx = { shop, organizationId: conn.organizationId };
  const [rows, table] = await Promise.all([listTaxMappings(ctx), cachedTaxTable(ctx)]);
  const byId = new Map((table ?? []).map((t) => [t.tax_id, t]));
  const label = (id: string) => {
    const t = byId.get(id);
    return t
      ? `${t.tax_name} (${formatPercent(effectivePercent(t))}%${t.members?.length ? `: ${t.members.map((m) => m.tax_name).join(" + ")}` : ""})`
      : `Zoho tax ${id}`;
  };
  return rows.map((r) => ({
    shopifyTaxes: r.shopifyTaxes,
    zohoTaxId: r.zohoTaxId,
    options: r.candidates.map((id) => ({ value: id, label: label(id) })),
  }));
}
