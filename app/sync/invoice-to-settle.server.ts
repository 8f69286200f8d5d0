// The Zoho invoice a refund's credit note or a payment settles (ADR 022): found through the order's
// OrderSync row (read only — app/sync/order-sync.server.ts owns it), then read from Zoho.
// - The order is still being sent → AwaitingInvoiceError (the job waits, nothing fails);
// - never seen by the app → the same for a grace period (orders/paid may still be on its way), then
//   NoInvoiceToSettleError "order_not_invoiced" (paid before the app was installed, or never invoiced);
// - invoice deleted or void in Zoho → NoInvoiceToSettleError with that reason.
import type { OrderSync } from "@prisma/client";
import { prisma } from "~/db.server";
import type { Logger } from "~/logger.server";
import { AwaitingInvoiceError, NoInvoiceToSettleError } from "~/sync/errors";
import type { ZohoClient } from "~/zoho/client.server";
import { ZohoNotFoundError } from "~/zoho/errors";
import { getInvoice } from "~/zoho/invoices.server";
import type { ZohoInvoice } from "~/zoho/types";
import { currencyDecimals } from "~/sync/money";

/** What a credit note's or a payment's sync takes from its job and its tests (ADR 022). */
export interface DocumentSyncDeps<Doc> {
  log?: Logger;
  zoho?: ZohoClient;
  now?: () => Date;
  heartbeatMs?: number;
  /** How long a document waits before looking for its order's invoice again (default 60 s). */
  awaitInvoiceMs?: number;
  /** A document whose order the app never saw is given this long for the orders/paid webhook (default 15 min). */
  unknownOrderGraceMs?: number;
  /** How long Zoho's search may lag behind a create; default ZOHO_SEARCH_SETTLE_SECONDS. */
  searchSettleMs?: number;
  /** Test seam: after Zoho answered the create, before its id is committed (a crash there). */
  beforeCommit?: (document: Doc) => Promise<void>;
}

export interface SettleContext {
  shop: string;
  orderId: string;
  what: "refund" | "payment";
  /** When the refund or payment was received (its row's createdAt). */
  receivedAt: Date;
  now: Date;
  /** How long before looking again (default 60 s). */
  awaitInvoiceMs?: number;
  /** How long an order the app never saw may still arrive (default 15 min). */
  unknownOrderGraceMs?: number;
}

/** The order's row and the id of its invoice, or the reason there is none (thrown). */
export async function invoiceIdToSettle(ctx: SettleContext): Promise<{ order: OrderSync; invoiceId: string }> {
  const order = await prisma.orderSync.findUnique({
    where: { shop_orderId: { shop: ctx.shop, orderId: ctx.orderId } },
  });
  if (order?.zohoInvoiceId && order.status !== "deleted") return { order, invoiceId: order.zohoInvoiceId };
  const name = order?.orderName ?? `order ${ctx.orderId}`;
  const waitMs = ctx.awaitInvoiceMs ?? 60_000;
  if (order && (order.status === "queued" || order.status === "creating" || order.status === "failed"))
    throw new AwaitingInvoiceError(name, waitMs, ctx.what);
  if (!order && ctx.now.getTime() - ctx.receivedAt.getTime() < (ctx.unknownOrderGraceMs ?? 15 * 60_000))
    throw new AwaitingInvoiceError(name, waitMs, ctx.what);
  const why = order
    ? `${name} has no invoice in Zoho Books (${order.lastErrorMessage ?? `status ${order.status}`})`
    : `${name} was never sent to Zoho Books by this app (paid before the app was installed, or never invoiced)`;
  const What = ctx.what === "refund" ? "Refund" : "Payment";
  throw new NoInvoiceToSettleError(
    "order_not_invoiced",
    `${What} not recorded: ${why}. Record it in Zoho Books yourself, or send the order first: the ${ctx.what} follows by itself.`,
  );
}

/** The invoice as Zoho holds it; gone or void → the reason (thrown). */
export async function invoiceToSettle(
  zoho: ZohoClient,
  invoiceId: string,
  order: Pick<OrderSync, "orderName" | "zohoInvoiceNumber">,
  what: "refund" | "payment",
): Promise<ZohoInvoice> {
  const What = what === "refund" ? "Refund" : "Payment";
  let invoice: ZohoInvoice;
  try {
    invoice = await getInvoice(zoho, invoiceId);
  } catch (err) {
    if (!(err instanceof ZohoNotFoundError)) throw err;
    throw new NoInvoiceToSettleError(
      "invoice_missing",
      `${What} not recorded: invoice ${order.zohoInvoiceNumber ?? invoiceId} of ${order.orderName ?? "the order"} no longer exists in Zoho Books.`,
    );
  }
  if (invoice.status === "void")
    throw new NoInvoiceToSettleError(
      "invoice_void",
      `${What} not recorded: invoice ${invoice.invoice_number} of ${order.orderName ?? "the order"} is void in Zoho Books.`,
    );
  return invoice;
}

/** The money terms of the invoice a credit note or payment settles: they are in its currency, at its rate. */
export interface InvoiceMoney {
  currencyCode: string;
  currencyId?: string;
  /** Base-currency units per invoice unit; undefined when unknown (an invoice of another currency then refuses). */
  exchangeRate?: string;
  baseCurrency: string;
  /** Decimals Zoho keeps on prices in the invoice's currency. */
  pricePrecision: number;
}

/**
 * The invoice's currency as Zoho holds it (else as the app recorded it on OrderSync, ADR 020, else the
 * base currency: invoices made before ADR 020 are in it), its rate likewise, and the price precision.
 */
export function invoiceMoney(
  invoice: Pick<ZohoInvoice, "currency_code" | "currency_id" | "exchange_rate">,
  order: Pick<OrderSync, "currencyCode" | "exchangeRate" | "baseCurrencyCode">,
  org: { currencyCode: string; pricePrecision: number },
): InvoiceMoney {
  const baseCurrency = (order.baseCurrencyCode ?? org.currencyCode).toUpperCase();
  const currencyCode = (invoice.currency_code || order.currencyCode || baseCurrency).toUpperCase();
  const rate = invoice.exchange_rate ?? (order.exchangeRate !== null ? String(order.exchangeRate) : undefined);
  return {
    currencyCode,
    ...(invoice.currency_id ? { currencyId: invoice.currency_id } : {}),
    ...(rate !== undefined && Number(rate) > 0 ? { exchangeRate: String(rate) } : {}),
    baseCurrency,
    pricePrecision: currencyCode === baseCurrency ? org.pricePrecision : currencyDecimals(currencyCode),
  };
}
