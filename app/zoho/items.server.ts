// "Link lines to Zoho items by SKU" (merchant option): Shopify SKU → Zoho item_id.
// A per-process cache with a TTL keeps repeat orders from paying one lookup per line; a miss is
// cached too (shorter), so an order full of unknown SKUs costs each SKU one call per TTL.
import type { ZohoClient } from "./client.server";
import type { ZohoItem, ZohoItemsResponse } from "./types";

export interface ItemLookupContext {
  shop: string;
  organizationId: string;
}

export const ITEM_CACHE_TTL_MS = 15 * 60_000;
export const ITEM_MISS_TTL_MS = 5 * 60_000;
const MAX_CACHE_ENTRIES = 10_000;
/** `sku` is not an OAS filter of GET /items; if Zoho ignores it we page through at most this much. */
const MAX_PAGES = 5;

const cache = new Map<string, { itemId: string | null; expiresAt: number }>();

/** Forget cached SKU lookups (all, or one organization's). */
export function clearItemCache(ctx?: ItemLookupContext): void {
  if (!ctx) return cache.clear();
  const prefix = cacheKey(ctx, "");
  for (const key of cache.keys()) if (key.startsWith(prefix)) cache.delete(key);
}

/**
 * The id of the active Zoho item whose SKU is exactly `sku` (trimmed), or null. Every returned item
 * is re-checked, so a Zoho that ignored the filter cannot link the wrong item. Several items with
 * that SKU: the first Zoho lists (Zoho normally keeps SKUs unique).
 */
export async function findItemIdBySku(
  client: ZohoClient,
  ctx: ItemLookupContext,
  sku: string,
  opts: { now?: () => number } = {},
): Promise<string | null> {
  const wanted = sku.trim();
  if (wanted === "") return null;
  const now = opts.now ?? Date.now;
  const key = cacheKey(ctx, wanted);
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now()) return hit.itemId;

  let itemId: string | null = null;
  for (let page = 1; page <= MAX_PAGES && itemId === null; page++) {
    const res = await client.get<ZohoItemsResponse>("/items", { sku: wanted, filter_by: "Status.Active", page, per_page: 200 });
    const match = (res.items ?? []).find((item: ZohoItem) => (item.sku ?? "").trim() === wanted && item.status !== "inactive");
    if (match) itemId = String(match.item_id);
    if (!res.page_context?.has_more_page) break;
  }

  cache.delete(key);
  if (cache.size >= MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, { itemId, expiresAt: now() + (itemId ? ITEM_CACHE_TTL_MS : ITEM_MISS_TTL_MS) });
  return itemId;
}

function cacheKey(ctx: ItemLookupContext, sku: string): string {
  return `${ctx.shop}\u0000${ctx.organizationId}\u0000${sku}`;
}
