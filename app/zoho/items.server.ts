// Zoho items for invoice lines (design §7): by SKU, then by exact name, else created (setting "Create
// missing items in Zoho", on) under a per-organization lock.
//
// One item index per organization (all active items: SKU → id, name → id), cached per process (orders
// running at once share one read) and refreshed on a miss at most once a minute — an order pays no GET
// per SKU, and a stream of orders with new products does not re-read the list each time; a new item
// costs one POST (added to the index at once). An item another process created meanwhile is linked when
// Zoho refuses its name as taken. The index is read from `GET /items` pages: `sku` is not an OAS filter.
import { withRedisLock } from "~/redis/lock.server";
import type { Logger } from "~/logger.server";
import type { ZohoClient } from "./client.server";
import { ZohoConflictError, ZohoValidationError, type ZohoError } from "./errors";
import { addToIndex, emptyItemIndex, lookUpItem, nameKey, type ItemIndex } from "./item-index";
import type { ZohoItem, ZohoItemsResponse, ZohoLineItemPayload } from "./types";

export { itemIndexFrom, lookUpItem, type ItemIndex } from "./item-index";

export interface ItemLookupContext {
  shop: string;
  organizationId: string;
}

/** How long an index answers without asking Zoho again (a miss refreshes it earlier). */
export const ITEM_INDEX_TTL_MS = 15 * 60_000;
/** A miss refreshes an index at most this often per organization (the merchant may have added the item). */
export const ITEM_INDEX_MIN_REFRESH_MS = 60_000;
/** At most this many pages of 200 items are read (10,000 items). */
const MAX_PAGES = 50;
const ITEM_LOCK_TTL_MS = 60_000;
const ITEM_LOCK_WAIT_MS = 30_000;

const indexes = new Map<string, ItemIndex>();
const reading = new Map<string, Promise<ItemIndex>>();

/** Forget cached indexes (all, or one organization's). */
export function clearItemCache(ctx?: Pick<ItemLookupContext, "organizationId">): void {
  if (!ctx) return indexes.clear();
  indexes.delete(ctx.organizationId);
}

/** The organization's item index: cached, or read from Zoho when stale, missing or `refresh`. */
export async function getItemIndex(
  client: ZohoClient,
  ctx: ItemLookupContext,
  opts: { refresh?: boolean; now?: () => number } = {},
): Promise<ItemIndex> {
  const now = opts.now ?? Date.now;
  const cached = indexes.get(ctx.organizationId);
  if (cached && !opts.refresh && cached.loadedAt + ITEM_INDEX_TTL_MS > now()) return cached;
  // Orders of one organization needing the list at the same moment share one read.
  const pending = reading.get(ctx.organizationId);
  if (pending) return pending;
  const read = readItemIndex(client, now()).then((index) => {
    indexes.set(ctx.organizationId, index);
    return index;
  });
  reading.set(ctx.organizationId, read);
  return read.finally(() => reading.delete(ctx.organizationId));
}

async function readItemIndex(client: ZohoClient, loadedAt: number): Promise<ItemIndex> {
  const index = emptyItemIndex(loadedAt);
  for (let page = 1; page <= MAX_PAGES; page++) {
    const res = await client.get<ZohoItemsResponse>("/items", { filter_by: "Status.Active", page, per_page: 200 });
    for (const item of res.items ?? []) addToIndex(index, item);
    if (!res.page_context?.has_more_page) break;
  }
  return index;
}

/** The index after a miss: read again when the last read is at least ITEM_INDEX_MIN_REFRESH_MS old. */
async function refreshedOnMiss(client: ZohoClient, ctx: ItemLookupContext, now: () => number): Promise<ItemIndex> {
  const index = await getItemIndex(client, ctx, { now });
  if (index.loadedAt + ITEM_INDEX_MIN_REFRESH_MS > now()) return index;
  return getItemIndex(client, ctx, { refresh: true, now });
}

/** An item an invoice line needs: found by SKU or name, else created with these fields. */
export interface ItemSpec {
  name: string;
  sku?: string;
  rate: number;
  taxId?: string;
  productType: "goods" | "service";
}

export interface EnsuredItems {
  /** Item id per spec, index-aligned; undefined where none exists and none may be created. */
  ids: Array<string | undefined>;
  /** The items this call created in Zoho. */
  created: Array<ItemSpec & { itemId: string }>;
}

/**
 * The Zoho item of each spec: from the index, else (after one refresh) from Zoho's current list, else
 * created when `create` — under a per-organization lock, re-reading the list inside it, so two orders
 * with the same new product make one item.
 */
export async function ensureItems(
  client: ZohoClient,
  ctx: ItemLookupContext,
  specs: readonly ItemSpec[],
  opts: { create: boolean; log?: Logger; now?: () => number },
): Promise<EnsuredItems> {
  const now = opts.now ?? Date.now;
  let index = await getItemIndex(client, ctx, { now });
  const resolve = () => specs.map((s) => lookUpItem(index, s));
  let ids = resolve();
  const created: EnsuredItems["created"] = [];
  if (ids.every(Boolean)) return { ids, created };
  // A miss: the merchant may have added the item in Zoho since the list was read.
  index = await refreshedOnMiss(client, ctx, now);
  ids = resolve();
  if (ids.every(Boolean) || !opts.create) return { ids, created };
  await withRedisLock(
    ["zoho-items", ctx.organizationId],
    {
      ttlMs: ITEM_LOCK_TTL_MS,
      waitMs: ITEM_LOCK_WAIT_MS,
      busyMessage: "Another order is creating Zoho items for this organization",
      ...(opts.log ? { log: opts.log } : {}),
    },
    async () => {
      // Whoever held the lock in this process added what it created to the shared index; another
      // process's item is found by a due refresh, or linked when Zoho says its name is taken.
      index = await refreshedOnMiss(client, ctx, now);
      ids = resolve();
      for (const [i, spec] of specs.entries()) {
        if (ids[i]) continue;
        // An earlier spec of this order may have created it.
        const made = lookUpItem(index, spec) ?? (await createItem(client, ctx, spec));
        const itemId = typeof made === "string" ? made : made.itemId;
        if (typeof made !== "string" && made.created) created.push({ ...spec, itemId });
        addToIndex(index, { item_id: itemId, name: spec.name, ...(spec.sku ? { sku: spec.sku } : {}) });
        ids[i] = itemId;
      }
    },
  );
  return { ids, created };
}

/** POST /items; a name Zoho says is taken links that item instead (created: false). */
async function createItem(
  client: ZohoClient,
  ctx: ItemLookupContext,
  spec: ItemSpec,
): Promise<{ itemId: string; created: boolean }> {
  const body = {
    name: spec.name,
    rate: spec.rate,
    product_type: spec.productType,
    ...(spec.sku ? { sku: spec.sku } : {}),
    ...(spec.taxId ? { tax_id: spec.taxId } : {}),
  };
  try {
    const res = await client.post<{ item: ZohoItem }>("/items", body);
    return { itemId: String(res.item.item_id), created: true };
  } catch (err) {
    // The name is taken by an item our index does not hold (inactive, or just created elsewhere).
    if (!isDuplicateItemName(err)) throw err;
    const id = (await getItemIndex(client, ctx, { refresh: true })).byName[nameKey(spec.name)];
    if (id) return { itemId: id, created: false };
    throw err;
  }
}

function isDuplicateItemName(err: unknown): err is ZohoError {
  return (
    (err instanceof ZohoValidationError || err instanceof ZohoConflictError) &&
    (err.info.code === 1001 || /already exists/i.test(err.message))
  );
}

/**
 * Zoho refused invoice lines for lacking an item (the OAS marks `line_items[].item_id` required): a
 * validation error naming the item, for a payload with a line without one. A tax problem is not this.
 */
export function isItemRequiredRefusal(err: unknown, lines: readonly ZohoLineItemPayload[]): boolean {
  if (!(err instanceof ZohoValidationError)) return false;
  if (!lines.some((l) => !l.item_id)) return false;
  return /\bitem(_id)?\b/i.test(err.message) && !/tax/i.test(err.message);
}
