// app/uninstalled and Shopify's mandatory compliance topics, against our own tables (design §9).
//
// What we hold about a customer: OrderSync rows (order id and name, Zoho invoice/contact ids, totals,
// and error messages that can quote Zoho, e.g. "The customer "Jane Doe" already exists"), SyncEvent
// messages of those orders (same), and ContactLink cache rows whose key is the customer's email or
// exact name. No address, phone or email is stored anywhere else. The invoices and contacts in the
// merchant's Zoho Books are the merchant's accounting records and are not touched here.
import { z } from "zod";
import { prisma } from "~/db.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { recordSyncEvent } from "~/sync/events.server";
import { deleteFailureAlert } from "~/sync/failure-alerts.server";
import { deleteShopOrders, redactOrderMessages } from "~/sync/order-sync.server";
import { deleteShopPayments } from "~/sync/payment-sync.server";
import { deleteShopRefunds } from "~/sync/refund-sync.server";
import { MalformedWebhookError } from "~/sync/webhooks.server";

export const REDACTED_MESSAGE = "[removed at the customer's request]";
/** Event kinds whose message may quote Zoho's answer (and so a customer's name). */
const EVENT_KINDS_WITH_FOREIGN_TEXT = ["sync_failed", "needs_attention", "metafield_failed", "webhook_rejected"];

const orderIds = z
  .array(z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]))
  .optional()
  .transform((ids) => (ids ?? []).map(String));
const customer = z.object({
  id: z.union([z.number(), z.string()]).optional().nullable(),
  email: z.string().optional().nullable(),
  phone: z.string().optional().nullable(),
});

const dataRequestPayload = z.object({
  customer,
  orders_requested: orderIds,
  data_request: z
    .object({ id: z.union([z.number(), z.string()]) })
    .optional()
    .nullable(),
});
const customerRedactPayload = z.object({ customer, orders_to_redact: orderIds });

function parse<T>(schema: z.ZodType<T>, payload: unknown, topic: string): T {
  const result = schema.safeParse(payload);
  if (!result.success)
    throw new MalformedWebhookError(
      `The ${topic} body does not have the documented shape (${result.error.issues[0]?.path.join(".") || "root"}).`,
    );
  return result.data;
}

const emailKey = (email: string) => `email:${email.trim().toLowerCase()}`;

// ---- app/uninstalled ----------------------------------------------------------------------------

/**
 * Sessions removed, Zoho connection disabled (tokens deleted): nothing is sent for this shop any more.
 * A late redelivery of an uninstall older than the shop's last Zoho connect (the merchant reinstalled
 * and reconnected since) is ignored: it would otherwise undo the new install.
 */
export async function handleAppUninstalled(
  shop: string,
  { log = rootLogger, triggeredAt }: { log?: Logger; triggeredAt?: Date } = {},
): Promise<{ sessions: number; connection: boolean; stale?: true }> {
  if (triggeredAt) {
    const current = await prisma.zohoConnection.findUnique({
      where: { shop },
      select: { connectedAt: true, status: true },
    });
    if (current?.connectedAt && current.status !== "disconnected" && current.connectedAt > triggeredAt) {
      log.info(
        { triggeredAt: triggeredAt.toISOString(), connectedAt: current.connectedAt.toISOString() },
        "app/uninstalled older than the shop's reconnect, ignored",
      );
      return { sessions: 0, connection: false, stale: true };
    }
  }
  const [sessions, connection] = await prisma.$transaction([
    prisma.session.deleteMany({ where: { shop } }),
    prisma.zohoConnection.updateMany({
      where: { shop },
      data: {
        status: "disconnected",
        refreshTokenEnc: null,
        accessTokenEnc: null,
        accessTokenExpiresAt: null,
        pauseReason: null,
        pausedUntil: null,
        lastError: "The app was uninstalled from Shopify. Reinstall it and connect Zoho Books again to resume.",
      },
    }),
  ]);
  log.info(
    { sessions: sessions.count, connection: connection.count > 0 },
    "app uninstalled: sessions removed, zoho disabled",
  );
  return { sessions: sessions.count, connection: connection.count > 0 };
}

// ---- customers/data_request -----------------------------------------------------------------------

export interface CustomerDataReport {
  dataRequestId: string | null;
  orders: Array<{
    orderId: string;
    orderName: string | null;
    status: string;
    zohoInvoiceNumber: string | null;
    zohoContactId: string | null;
  }>;
  /** Contact cache rows keyed by the customer's email. */
  contactLinks: number;
  events: number;
}

/**
 * Reports what we hold for the customer: recorded in the shop's activity log (ids and order names,
 * no personal data) for the merchant to pass on, and logged as ids. Nothing is changed.
 */
export async function reportCustomerData(
  shop: string,
  payload: unknown,
  { log = rootLogger }: { log?: Logger } = {},
): Promise<CustomerDataReport> {
  const p = parse(dataRequestPayload, payload, "customers/data_request");
  const contactIdsOfOrders = new Set<string>();
  const orders = p.orders_requested.length
    ? await prisma.orderSync.findMany({
        where: { shop, orderId: { in: p.orders_requested } },
        select: { orderId: true, orderName: true, status: true, zohoInvoiceNumber: true, zohoContactId: true },
        orderBy: { orderId: "asc" },
      })
    : [];
  for (const o of orders) if (o.zohoContactId) contactIdsOfOrders.add(o.zohoContactId);
  const linkWhere = contactLinkWhere(shop, p.customer.email ?? null, [...contactIdsOfOrders]);
  const [contactLinks, events] = await Promise.all([
    linkWhere ? prisma.contactLink.count({ where: linkWhere }) : Promise.resolve(0),
    p.orders_requested.length
      ? prisma.syncEvent.count({ where: { shop, orderId: { in: p.orders_requested } } })
      : Promise.resolve(0),
  ]);
  const report: CustomerDataReport = {
    dataRequestId: p.data_request?.id === undefined ? null : String(p.data_request.id),
    orders,
    contactLinks,
    events,
  };
  const names = orders.map((o) => o.orderName ?? o.orderId).join(", ");
  await recordSyncEvent(shop, {
    kind: "customer_data_request",
    message:
      `Customer data request${report.dataRequestId ? ` ${report.dataRequestId}` : ""}: this app holds ${orders.length} order record(s)` +
      `${orders.length ? ` (${names})` : ""} with their Zoho invoice and contact ids, ${events} activity entr${events === 1 ? "y" : "ies"}, ` +
      `and ${contactLinks} cached link(s) from the customer's email or name to a Zoho contact. No addresses, phone numbers or emails are stored otherwise.`,
    data: {
      dataRequestId: report.dataRequestId,
      orders: orders.map((o) => ({ orderId: o.orderId, invoice: o.zohoInvoiceNumber, contactId: o.zohoContactId })),
      contactLinks,
      events,
    },
  });
  log.info(
    { dataRequestId: report.dataRequestId, orders: orders.map((o) => o.orderId), contactLinks, events },
    "customer data request reported",
  );
  return report;
}

// ---- customers/redact -----------------------------------------------------------------------------

export interface CustomerRedactResult {
  contactLinks: number;
  orders: number;
  events: number;
}

/**
 * Removes the customer's personal data we hold: contact links keyed by their email (or pointing at
 * the Zoho contact of their orders, which covers name-keyed links), and any free text about their
 * orders that may quote their name. Order ids, invoice ids and totals stay (the merchant's books).
 */
export async function redactCustomer(
  shop: string,
  payload: unknown,
  { log = rootLogger }: { log?: Logger } = {},
): Promise<CustomerRedactResult> {
  const p = parse(customerRedactPayload, payload, "customers/redact");
  const orders = p.orders_to_redact.length
    ? await prisma.orderSync.findMany({
        where: { shop, orderId: { in: p.orders_to_redact } },
        select: { zohoContactId: true },
      })
    : [];
  const contactIds = [...new Set(orders.map((o) => o.zohoContactId).filter((id): id is string => Boolean(id)))];
  const linkWhere = contactLinkWhere(shop, p.customer.email ?? null, contactIds);
  const [links, rows, events] = await prisma.$transaction([
    prisma.contactLink.deleteMany({ where: linkWhere ?? { shop, key: { in: [] } } }),
    redactOrderMessages(shop, p.orders_to_redact, REDACTED_MESSAGE),
    prisma.syncEvent.updateMany({
      where: { shop, orderId: { in: p.orders_to_redact }, kind: { in: EVENT_KINDS_WITH_FOREIGN_TEXT } },
      data: { message: REDACTED_MESSAGE },
    }),
  ]);
  const result = { contactLinks: links.count, orders: rows.count, events: events.count };
  const scope = {
    orderIds: p.orders_to_redact,
    ordersCleared: result.orders,
    eventsCleared: result.events,
    contactLinks: result.contactLinks,
  };
  await recordSyncEvent(shop, {
    kind: "customer_redacted",
    message: `Customer data removed at the customer's request: ${result.contactLinks} cached contact link(s) deleted, free text of ${p.orders_to_redact.length} order(s) cleared. Invoices in Zoho Books are not changed.`,
    data: scope,
  });
  log.info(scope, "customer redacted");
  return result;
}

function contactLinkWhere(shop: string, email: string | null, contactIds: string[]) {
  const or = [
    ...(email ? [{ key: emailKey(email) }] : []),
    ...(contactIds.length ? [{ zohoContactId: { in: contactIds } }] : []),
  ];
  return or.length ? { shop, OR: or } : null;
}

// ---- shop/redact ----------------------------------------------------------------------------------

export interface ShopRedactResult {
  sessions: number;
  connections: number;
  orders: number;
  events: number;
  contactLinks: number;
  taxCaches: number;
  backfills: number;
  taxMappings: number;
}

/** 48 hours after uninstall: everything of the shop goes, in one transaction. */
export async function redactShop(shop: string, { log = rootLogger }: { log?: Logger } = {}): Promise<ShopRedactResult> {
  const [sessions, connections, orders, events, contactLinks, taxCaches, backfills, taxMappings] =
    await prisma.$transaction([
      prisma.session.deleteMany({ where: { shop } }),
      prisma.zohoConnection.deleteMany({ where: { shop } }),
      deleteShopOrders(shop),
      prisma.syncEvent.deleteMany({ where: { shop } }),
      prisma.contactLink.deleteMany({ where: { shop } }),
      prisma.taxCache.deleteMany({ where: { shop } }),
      prisma.backfill.deleteMany({ where: { shop } }), // its BackfillOrder rows cascade
      prisma.taxMapping.deleteMany({ where: { shop } }),
      deleteFailureAlert(shop), // the merchant's alert address
      deleteShopRefunds(shop), // refunds → credit notes (ADR 022): amounts and ids, gone with the shop
      deleteShopPayments(shop), // payments → Zoho customer payments: amounts and ids
    ]);
  const result = {
    sessions: sessions.count,
    connections: connections.count,
    orders: orders.count,
    events: events.count,
    contactLinks: contactLinks.count,
    taxCaches: taxCaches.count,
    backfills: backfills.count,
    taxMappings: taxMappings.count,
  };
  log.info(result, "shop redacted: all data deleted");
  return result;
}

/** The compliance route's dispatch by topic. */
export async function handleComplianceWebhook(
  hook: { shop: string; topic: string; payload: unknown },
  { log = rootLogger }: { log?: Logger } = {},
): Promise<void> {
  switch (hook.topic) {
    case "CUSTOMERS_DATA_REQUEST":
      await reportCustomerData(hook.shop, hook.payload, { log });
      return;
    case "CUSTOMERS_REDACT":
      await redactCustomer(hook.shop, hook.payload, { log });
      return;
    case "SHOP_REDACT":
      await redactShop(hook.shop, { log });
      return;
    default:
      throw new MalformedWebhookError(`Topic ${hook.topic} is not a compliance topic.`);
  }
}
