// Read models of the admin pages (Orders, Activity, Dashboard): our own tables only — never Zoho or
// Shopify while a page renders. Every query is scoped by shop and paginated by a keyset cursor
// (newest first), so a page costs the same on the first and the thousandth page.
import type { OrderSyncStatus, Prisma } from "@prisma/client";
import { prisma } from "~/db.server";
import { activityKind } from "~/sync/activity-kinds";
import { currencyDecimals, Decimal, formatMoney, isCurrencyCode } from "~/sync/money";
import { currencyNote, DEFAULT_ORDER_SORT, type OrderSort, type OrderView } from "~/sync/order-views";
import { HOLD_CODES } from "~/sync/shop-gate";

export const PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

// ---- cursors ------------------------------------------------------------------------------------

export type PageRequest = { after?: string | null; before?: string | null; pageSize?: number };

export interface PageInfo {
  hasNext: boolean;
  hasPrevious: boolean;
  /** Cursor of the first row (ask `before` it for the previous page). */
  startCursor: string | null;
  /** Cursor of the last row (ask `after` it for the next page). */
  endCursor: string | null;
}

interface Key {
  at: Date;
  id: string;
}

export function encodeCursor(key: Key): string {
  return Buffer.from(`${key.at.toISOString()}|${key.id}`).toString("base64url");
}

/** null for anything that is not a cursor we made (a hand-edited URL gets the first page). */
export function decodeCursor(cursor: string | null | undefined): Key | null {
  if (!cursor || cursor.length > 200) return null;
  const [iso, id, extra] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (!iso || !id || extra !== undefined || !/^[\w-]{1,64}$/.test(id)) return null;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? null : { at, id };
}

/** Keyset page over (field desc, id desc). */
async function keysetPage<Row extends { id: string }>(
  req: PageRequest,
  atOf: (row: Row) => Date,
  fetch: (args: { where: Record<string, unknown> | null; order: "asc" | "desc"; take: number }) => Promise<Row[]>,
  field: string,
): Promise<{ rows: Row[]; pageInfo: PageInfo }> {
  const size = Math.min(Math.max(req.pageSize ?? PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const after = decodeCursor(req.after);
  const before = after ? null : decodeCursor(req.before);
  const key = after ?? before;
  const where = key
    ? {
        OR: [
          { [field]: after ? { lt: key.at } : { gt: key.at } },
          { [field]: key.at, id: after ? { lt: key.id } : { gt: key.id } },
        ],
      }
    : null;
  const found = await fetch({ where, order: before ? "asc" : "desc", take: size + 1 });
  const more = found.length > size;
  const rows = found.slice(0, size);
  if (before) rows.reverse();
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    rows,
    pageInfo: {
      hasNext: before ? true : more,
      hasPrevious: before ? more : Boolean(after),
      startCursor: first ? encodeCursor({ at: atOf(first), id: first.id }) : null,
      endCursor: last ? encodeCursor({ at: atOf(last), id: last.id }) : null,
    },
  };
}

/** PostgreSQL text cannot hold NUL (the query would fail): a search term never needs one. */
function withoutNul(value: string): string {
  return value.replaceAll("\u0000", "");
}

// ---- orders -------------------------------------------------------------------------------------

const VIEW_STATUSES: Record<Exclude<OrderView, "all" | "changed" | "refunded">, OrderSyncStatus[]> = {
  needs_attention: ["needs_attention"],
  failed: ["failed"],
  waiting: ["queued", "creating"],
  synced: ["synced"],
  deleted: ["deleted", "skipped"],
};

export interface OrderFilters {
  view?: OrderView;
  /** Received (recorded by the app) at or after / before these instants. */
  since?: Date | null;
  until?: Date | null;
  /** Part of the order name ("#1001", "1001"). */
  query?: string | null;
}

export interface OrderRowView {
  id: string;
  orderId: string;
  orderName: string;
  status: OrderSyncStatus;
  /** Recorded but deliberately not sent (auto-send off, not connected when paid). */
  held: boolean;
  /** Zoho's id of the order's invoice (the link to it in Zoho Books). */
  invoiceId: string | null;
  invoiceNumber: string | null;
  invoiceStatus: string | null;
  currencyCode: string | null;
  shopifyTotal: string | null;
  zohoTotal: string | null;
  /** "Customer paid 54.10 USD · 1 USD = 0.92 EUR" when currencies differ (ADR 020). */
  currencyNote: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** Shopify cancelled the order (its invoice voided or deleted, or never sent). */
  cancelled: boolean;
  /** What an edit changed that the invoice does not show (a sent invoice is left alone). */
  changeNote: string | null;
  /** An edit or cancellation still being applied to the invoice. */
  changePending: "edit" | "cancel" | null;
  attempts: number;
  /** A person can send it (again): no invoice in Zoho for it. */
  canSend: boolean;
  receivedAt: string;
  /** When the order was placed (Shopify `processedAt`); null until the app has read it. */
  orderedAt: string | null;
  syncedAt: string | null;
  updatedAt: string;
}

function money(value: Prisma.Decimal | null, currency: string | null): string | null {
  if (value === null) return null;
  const dp = currency && isCurrencyCode(currency) ? currencyDecimals(currency) : 2;
  return formatMoney(new Decimal(value.toString()), dp);
}

type OrderRow = Prisma.OrderSyncGetPayload<object>;

function orderRowView(r: OrderRow): OrderRowView {
  const hasInvoice =
    r.status === "synced" || (r.zohoInvoiceId !== null && r.status !== "deleted" && r.status !== "creating");
  return {
    id: r.id,
    orderId: r.orderId,
    orderName: r.orderName ?? `Order ${r.orderId}`,
    status: r.status,
    held: r.status === "queued" && (HOLD_CODES as readonly string[]).includes(r.lastErrorCode ?? ""),
    invoiceId: hasInvoice ? r.zohoInvoiceId : null,
    invoiceNumber: r.zohoInvoiceNumber,
    invoiceStatus: r.zohoInvoiceStatus,
    currencyCode: r.currencyCode,
    shopifyTotal: money(r.shopifyTotal, r.currencyCode),
    zohoTotal: money(r.zohoTotal, r.currencyCode),
    currencyNote: currencyNote(r),
    errorCode: r.lastErrorCode,
    errorMessage: r.lastErrorMessage,
    cancelled: r.cancelledAt !== null,
    changeNote: r.changeNote,
    changePending: r.pendingChange === "edit" || r.pendingChange === "cancel" ? r.pendingChange : null,
    attempts: r.attempts,
    canSend: !hasInvoice,
    receivedAt: r.createdAt.toISOString(),
    orderedAt: r.processedAt?.toISOString() ?? null,
    syncedAt: r.syncedAt?.toISOString() ?? null,
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Edited after its invoice (a note says what) or cancelled: the "changed" tab. */
const CHANGED: Prisma.OrderSyncWhereInput[] = [{ changeNote: { not: null } }, { cancelledAt: { not: null } }];

/**
 * The "refunded" tab: orders with a recorded Shopify refund (RefundSync, read only). No relation links
 * the two tables, so the ids are read first: one query on RefundSync's (shop, orderId) index.
 */
async function refundedOrderIds(shop: string): Promise<string[]> {
  const rows = await prisma.refundSync.findMany({ where: { shop }, distinct: ["orderId"], select: { orderId: true } });
  return rows.map((r) => r.orderId);
}

async function orderWhere(shop: string, f: OrderFilters): Promise<Prisma.OrderSyncWhereInput> {
  const where: Prisma.OrderSyncWhereInput = { shop };
  if (f.view === "changed") where.OR = CHANGED;
  else if (f.view === "refunded") where.orderId = { in: await refundedOrderIds(shop) };
  else if (f.view && f.view !== "all") where.status = { in: VIEW_STATUSES[f.view] };
  if (f.since || f.until)
    where.createdAt = { ...(f.since ? { gte: f.since } : {}), ...(f.until ? { lt: f.until } : {}) };
  const q = withoutNul(f.query ?? "").trim();
  if (q) where.orderName = { contains: q.slice(0, 60), mode: "insensitive" };
  return where;
}

/**
 * One page of the shop's orders: newest received first by default, or by order date (`ordered_*`),
 * where rows whose date is not stored yet come last in both directions.
 */
export async function listOrders(
  shop: string,
  filters: OrderFilters = {},
  page: PageRequest = {},
  sort: OrderSort = DEFAULT_ORDER_SORT,
): Promise<{ orders: OrderRowView[]; pageInfo: PageInfo }> {
  const base = await orderWhere(shop, filters);
  const field = sort.startsWith("ordered") ? "processedAt" : "createdAt";
  const dir = sort.endsWith("_asc") ? "asc" : "desc";
  const size = Math.min(Math.max(page.pageSize ?? PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const after = decodeOrderCursor(page.after);
  const before = after ? null : decodeOrderCursor(page.before);
  const seek = after ? keyAfter(field, dir, after) : before ? keyBefore(field, dir, before) : null;
  // Reading backwards (Previous) walks the same order reversed, then flips the page back.
  const walk = before ? (dir === "asc" ? "desc" : "asc") : dir;
  const found = await prisma.orderSync.findMany({
    where: seek ? { AND: [base, seek] } : base,
    orderBy: [
      field === "processedAt" ? { processedAt: { sort: walk, nulls: before ? "first" : "last" } } : { createdAt: walk },
      { id: walk },
    ],
    take: size + 1,
  });
  const more = found.length > size;
  const rows = found.slice(0, size);
  if (before) rows.reverse();
  const keyOf = (r: OrderRow): OrderKey => ({ at: r[field], id: r.id });
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    orders: rows.map(orderRowView),
    pageInfo: {
      hasNext: before ? true : more,
      hasPrevious: before ? more : Boolean(after),
      startCursor: first ? encodeOrderCursor(keyOf(first)) : null,
      endCursor: last ? encodeOrderCursor(keyOf(last)) : null,
    },
  };
}

/** An Orders cursor: the sort field's value (null: not stored, sorted last) and the row id. */
interface OrderKey {
  at: Date | null;
  id: string;
}

const NO_DATE = "-";

function encodeOrderCursor(key: OrderKey): string {
  return key.at ? encodeCursor({ at: key.at, id: key.id }) : Buffer.from(`${NO_DATE}|${key.id}`).toString("base64url");
}

function decodeOrderCursor(cursor: string | null | undefined): OrderKey | null {
  if (!cursor || cursor.length > 200) return null;
  const [at, id, extra] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (at === NO_DATE && id && extra === undefined && /^[\w-]{1,64}$/.test(id)) return { at: null, id };
  return decodeCursor(cursor);
}

type SortField = "createdAt" | "processedAt";

/** Rows after `key` in (field dir nulls last, id dir). */
function keyAfter(field: SortField, dir: "asc" | "desc", key: OrderKey): Prisma.OrderSyncWhereInput {
  const beyond = dir === "desc" ? "lt" : "gt";
  if (key.at === null) return { [field]: null, id: { [beyond]: key.id } };
  return {
    OR: [
      { [field]: { [beyond]: key.at } },
      { [field]: key.at, id: { [beyond]: key.id } },
      ...(field === "processedAt" ? [{ processedAt: null }] : []),
    ],
  };
}

/** Rows before `key` in the same order. */
function keyBefore(field: SortField, dir: "asc" | "desc", key: OrderKey): Prisma.OrderSyncWhereInput {
  const ahead = dir === "desc" ? "gt" : "lt";
  if (key.at === null) return { OR: [{ [field]: { not: null } }, { [field]: null, id: { [ahead]: key.id } }] };
  return { OR: [{ [field]: { [ahead]: key.at } }, { [field]: key.at, id: { [ahead]: key.id } }] };
}

export type OrderCounts = Record<OrderView, number>;

/** How many of the shop's orders are in each tab (one grouped query on the (shop, status) index). */
export async function countOrdersByView(shop: string): Promise<OrderCounts> {
  const [groups, changed, refunded] = await Promise.all([
    prisma.orderSync.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
    prisma.orderSync.count({ where: { shop, OR: CHANGED } }),
    refundedOrderIds(shop).then((ids) => prisma.orderSync.count({ where: { shop, orderId: { in: ids } } })),
  ]);
  const n = (s: OrderSyncStatus) => groups.find((g) => g.status === s)?._count._all ?? 0;
  const counts = { all: groups.reduce((sum, g) => sum + g._count._all, 0) } as OrderCounts;
  for (const [view, statuses] of Object.entries(VIEW_STATUSES) as Array<
    [Exclude<OrderView, "all" | "changed" | "refunded">, OrderSyncStatus[]]
  >) {
    counts[view] = statuses.reduce((sum, s) => sum + n(s), 0);
  }
  counts.changed = changed;
  counts.refunded = refunded;
  return counts;
}

// ---- activity -----------------------------------------------------------------------------------

export interface ActivityFilters {
  /** Order name ("#1001", "1001") or numeric order id. */
  order?: string | null;
  kind?: string | null;
}

export interface ActivityView {
  id: string;
  at: string;
  kind: string;
  kindLabel: string;
  message: string;
  orderId: string | null;
  orderName: string | null;
  /** The order's invoice as it is now (a link from the log), when it has one. */
  invoiceId: string | null;
  invoiceNumber: string | null;
}

/** The shop's order ids an "order" filter means: by id, or by name with or without "#". */
export async function resolveOrderFilter(shop: string, order: string): Promise<string[]> {
  const q = withoutNul(order).trim().slice(0, 60);
  if (!q) return [];
  const names = q.startsWith("#") ? [q] : [q, `#${q}`];
  const rows = await prisma.orderSync.findMany({
    where: { shop, OR: [{ orderId: q }, { orderName: { in: names } }] },
    select: { orderId: true },
    take: 20,
  });
  // An id the log knows without an OrderSync row (erased later) still filters by itself.
  return rows.length ? rows.map((r) => r.orderId) : /^\d{1,20}$/.test(q) ? [q] : [];
}

type EventRow = Prisma.SyncEventGetPayload<object>;

/** One page of the shop's activity log, newest first, with each event's order name. */
export async function listActivity(
  shop: string,
  filters: ActivityFilters = {},
  page: PageRequest = {},
): Promise<{ events: ActivityView[]; pageInfo: PageInfo; orderMatched: boolean }> {
  const base: Prisma.SyncEventWhereInput = { shop };
  let orderMatched = true;
  if (filters.order?.trim()) {
    const ids = await resolveOrderFilter(shop, filters.order);
    orderMatched = ids.length > 0;
    base.orderId = { in: ids };
  }
  if (filters.kind) base.kind = filters.kind;
  const { rows, pageInfo } = await keysetPage<EventRow>(
    page,
    (r) => r.at,
    ({ where, order, take }) =>
      prisma.syncEvent.findMany({
        where: where ? { AND: [base, where as Prisma.SyncEventWhereInput] } : base,
        orderBy: [{ at: order }, { id: order }],
        take,
      }),
    "at",
  );
  return { events: await withOrderNames(shop, rows), pageInfo, orderMatched };
}

/** The newest events of the shop (Dashboard). */
export async function recentActivity(shop: string, take = 5): Promise<ActivityView[]> {
  const rows = await prisma.syncEvent.findMany({ where: { shop }, orderBy: [{ at: "desc" }, { id: "desc" }], take });
  return withOrderNames(shop, rows);
}

async function withOrderNames(shop: string, rows: EventRow[]): Promise<ActivityView[]> {
  const ids = [...new Set(rows.map((r) => r.orderId).filter((id): id is string => id !== null))];
  const orders = ids.length
    ? new Map(
        (
          await prisma.orderSync.findMany({
            where: { shop, orderId: { in: ids } },
            select: { orderId: true, orderName: true, status: true, zohoInvoiceId: true, zohoInvoiceNumber: true },
          })
        ).map((o) => [o.orderId, o]),
      )
    : new Map<
        string,
        {
          orderName: string | null;
          status: OrderSyncStatus;
          zohoInvoiceId: string | null;
          zohoInvoiceNumber: string | null;
        }
      >();
  return rows.map((r) => {
    const order = r.orderId ? orders.get(r.orderId) : undefined;
    const invoiced = order && order.zohoInvoiceId && order.status !== "deleted" && order.status !== "creating";
    return {
      id: r.id,
      at: r.at.toISOString(),
      kind: r.kind,
      kindLabel: activityKind(r.kind).label,
      message: r.message,
      orderId: r.orderId,
      orderName: order?.orderName ?? null,
      invoiceId: invoiced ? order.zohoInvoiceId : null,
      invoiceNumber: invoiced ? order.zohoInvoiceNumber : null,
    };
  });
}

// ---- attention ----------------------------------------------------------------------------------

export interface AttentionSummary {
  /** Orders that need the merchant (status needs_attention). */
  count: number;
  /** The most common reason among them (the newest message of the most common code), if any. */
  topReason: { message: string; count: number } | null;
}

/** The Dashboard's "orders need attention" banner: how many, and the reason most of them share. */
export async function attentionSummary(shop: string): Promise<AttentionSummary> {
  const groups = await prisma.orderSync.groupBy({
    by: ["lastErrorCode"],
    where: { shop, status: "needs_attention" },
    _count: { _all: true },
  });
  const count = groups.reduce((sum, g) => sum + g._count._all, 0);
  if (count === 0) return { count, topReason: null };
  // The largest group; a tie goes to the code first in the alphabet (the same banner on every load).
  const top = [...groups].sort(
    (a, b) => b._count._all - a._count._all || (a.lastErrorCode ?? "").localeCompare(b.lastErrorCode ?? ""),
  )[0]!;
  const newest = await prisma.orderSync.findFirst({
    where: { shop, status: "needs_attention", lastErrorCode: top.lastErrorCode, lastErrorMessage: { not: null } },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    select: { lastErrorMessage: true },
  });
  return {
    count,
    topReason: newest?.lastErrorMessage ? { message: newest.lastErrorMessage, count: top._count._all } : null,
  };
}
