// Order → the invoice payload Zoho Books gets (design §4, §7), shared by the create, the finish of an
// interrupted sync, an order's edits and the block's Update. Reads the shop's settings, the order, the
// Zoho tables (taxes, items, currencies: cached), maps (pure, app/sync/mapping), links items and
// resolves the customer's contact. Creates no invoice; may create Zoho items and a contact (each once).
import { prisma } from "~/db.server";
import { fetchPaidOrder, fetchShopInfo, type AdminGraphql, type PaidOrder } from "~/shopify/orders.server";
import { getBooksSettings } from "~/sync/books-settings.server";
import { contactInputFromOrder } from "~/sync/contact-input";
import { recordSyncEvent } from "~/sync/events.server";
import { resolveInvoiceCurrency, type ResolvedCurrency } from "~/sync/invoice-currency.server";
import { linkInvoiceItems, type LinkedItems } from "~/sync/invoice-items.server";
import { mapOrderToInvoice, MappingError, type DiscountStyle, type MappedInvoice } from "~/sync/mapping";
import { getStoreSettings, storeInvoiceFields } from "~/sync/store-settings.server";
import { chosenTaxMappings, recordAmbiguousTax, type TaxMappingContext } from "~/sync/tax-mappings.server";
import type { ZohoClient } from "~/zoho/client.server";
import { ZohoNotConnectedError } from "~/zoho/connection.server";
import { findOrCreateContact, type ContactResult } from "~/zoho/contacts.server";
import { getItemIndex } from "~/zoho/items.server";
import { getTaxTable } from "~/zoho/taxes.server";
import type { ZohoInvoicePayload, ZohoTaxTable } from "~/zoho/types";

// ---- the shop's settings -----------------------------------------------------------------------------

export interface ShopSettings {
  organizationId: string;
  currencyCode: string;
  pricePrecision: number;
  /** Tag the order "Zoho: INV-…" besides the metafield (Settings, off by default). */
  tagOrders: boolean;
  /** The organization's unique invoice custom field, when the merchant set one up (design §5). */
  invoiceKeyField: { field: string; fieldId: string | null } | null;
  /** "Create missing items in Zoho" (on by default). */
  createMissingItems: boolean;
  /** Zoho refused a line without an item: every line carries one. */
  itemsRequired: boolean;
  /** Negative discount lines, or Zoho's line discounts (e-invoicing organizations). */
  discountStyle: DiscountStyle;
  /** "Print the order note on the invoice" (off by default). */
  printOrderNote: boolean;
  /** "Leave existing Zoho contacts untouched" (off by default). */
  keepExistingContacts: boolean;
}

export async function loadShopSettings(shop: string): Promise<ShopSettings> {
  const conn = await prisma.zohoConnection.findUnique({ where: { shop } });
  const local = { status: 0, method: "LOCAL", url: "connection" };
  if (!conn || conn.status === "disconnected" || !conn.refreshTokenEnc)
    throw new ZohoNotConnectedError("Zoho Books is not connected for this shop", local);
  if (conn.status === "needs_reauth")
    throw new ZohoNotConnectedError(conn.lastError ?? "Zoho Books needs to be reconnected", local);
  if (!conn.organizationId || !conn.currencyCode)
    throw new ZohoNotConnectedError("Choose your Zoho Books organization in Settings", local);
  const books = await getBooksSettings(shop);
  return {
    organizationId: conn.organizationId,
    currencyCode: conn.currencyCode,
    pricePrecision: conn.pricePrecision ?? 2,
    tagOrders: conn.tagOrders,
    invoiceKeyField: conn.invoiceKeyField ? { field: conn.invoiceKeyField, fieldId: conn.invoiceKeyFieldId } : null,
    createMissingItems: books.createMissingItems,
    itemsRequired: books.itemsRequired,
    discountStyle: books.discountStyle,
    printOrderNote: books.printOrderNote,
    keepExistingContacts: books.keepExistingContacts,
  };
}

// ---- the invoice payload -----------------------------------------------------------------------------

export interface Prepared {
  order: PaidOrder;
  settings: ShopSettings;
  taxes: ZohoTaxTable;
  mapped: MappedInvoice;
  /** The invoice currency, its precision and exchange rate (ADR 020). */
  currency: ResolvedCurrency;
  payload: ZohoInvoicePayload;
  /** Zoho items created for this order's lines. */
  createdItems: LinkedItems["created"];
}

export interface PrepareOptions {
  refreshTaxes?: boolean;
  revalidateContact?: boolean;
  /** Called with the order (and the shop's timezone) before the customer is resolved: a test or cancelled order stops there. */
  onOrder?: (order: PaidOrder, timezone: string) => Promise<void> | void;
}

/** Order → mapped payload with the customer resolved. Shared by create, finish and the block's Update. */
export async function prepareInvoice(
  shop: string,
  orderId: string,
  zoho: ZohoClient,
  graphql: AdminGraphql,
  opts: PrepareOptions = {},
): Promise<Prepared> {
  const settings = await loadShopSettings(shop);
  const order = await fetchPaidOrder(graphql, orderId);
  const { ianaTimezone: timezone, name: shopName } = await fetchShopInfo(shop, graphql);
  await opts.onOrder?.(order, timezone);
  const ctx = { shop, organizationId: settings.organizationId };
  const { taxes, taxMappings, items, store, currency } = await loadZohoTables(zoho, ctx, order, settings, {
    timezone,
    shopName,
    refresh: opts.refreshTaxes,
  });
  const mapped = await mapWithTaxChoices(ctx, () =>
    mapOrderToInvoice(order, taxes, {
      pricePrecision: currency.pricePrecision,
      organizationCurrency: settings.currencyCode,
      currency: currency.currency,
      referencePrefix: store.referencePrefix,
      timezone,
      itemIdsBySku: items.bySku,
      itemIdsByName: items.byName,
      discountStyle: settings.discountStyle,
      printOrderNote: settings.printOrderNote,
      taxMappings,
    }),
  );
  const linked = await linkInvoiceItems(zoho, ctx, mapped, {
    create: settings.createMissingItems,
    required: settings.itemsRequired,
  });
  const contact = await findOrCreateContact(zoho, ctx, contactInputFromOrder(order), {
    revalidate: opts.revalidateContact,
    currencyCode: mapped.currencyCode,
    updateExisting: !settings.keepExistingContacts,
    ...(currency.currency.currencyId ? { currencyId: currency.currency.currencyId } : {}),
    isBaseCurrency: mapped.currencyCode === settings.currencyCode.toUpperCase(),
  });
  await recordCurrencyNotes(shop, orderId, order.name, mapped.currencyCode, contact, currency);
  return {
    order,
    settings,
    taxes,
    currency,
    mapped: linked.mapped,
    // Which store it is from: its location and salesperson, when set (ADR 020).
    payload: { ...linked.mapped.payload, customer_id: contact.contactId, ...storeInvoiceFields(store) },
    createdItems: linked.created,
  };
}

/**
 * What the mapping looks up: Zoho's taxes and the merchant's choices among them, the item index (product
 * lines link by SKU, then exact name), this store's settings and the invoice currency. Cached per
 * organization; `refresh` re-reads taxes and currencies (a person's retry after fixing them in Zoho).
 */
async function loadZohoTables(
  zoho: ZohoClient,
  ctx: TaxMappingContext,
  order: PaidOrder,
  settings: ShopSettings,
  { timezone, shopName, refresh }: { timezone: string; shopName?: string; refresh?: boolean },
) {
  const taxes = await getTaxTable(zoho, ctx, { refresh });
  const taxMappings = await chosenTaxMappings(ctx);
  const items = await getItemIndex(zoho, ctx);
  const store = await getStoreSettings(ctx.shop, { shopName });
  const currency = await resolveInvoiceCurrency(zoho, order, {
    invoiceIn: store.invoiceIn,
    baseCurrency: settings.currencyCode,
    basePricePrecision: settings.pricePrecision,
    timezone,
    refresh,
  });
  return { taxes, taxMappings, items, store, currency };
}

/** Maps the order; Shopify taxes that fit several Zoho taxes are put to the merchant in Settings (once). */
async function mapWithTaxChoices(ctx: TaxMappingContext, map: () => MappedInvoice): Promise<MappedInvoice> {
  try {
    return map();
  } catch (err) {
    if (err instanceof MappingError && err.code === "ambiguous_tax")
      await recordAmbiguousTax(ctx, String(err.details.shopifyTaxes), String(err.details.candidates).split(","));
    throw err;
  }
}

/** Tells the merchant (Activity) when the customer's contact or the invoice currency is not the obvious one. */
async function recordCurrencyNotes(
  shop: string,
  orderId: string,
  orderName: string,
  invoiceCurrency: string,
  contact: ContactResult,
  currency: ResolvedCurrency,
): Promise<void> {
  if (contact.otherCurrency) {
    const other = contact.otherCurrency;
    await recordSyncEvent(shop, {
      orderId,
      kind: "contact_currency",
      message: `The Zoho contact "${other.contactName}" of ${orderName}'s customer is in ${other.currencyCode}, the invoice in ${invoiceCurrency}: a contact in ${invoiceCurrency} was ${contact.created ? "created" : "used"} instead.`,
      data: { skippedContactId: other.contactId, contactId: contact.contactId },
    });
  }
  if (currency.fallbackReason)
    await recordSyncEvent(shop, {
      orderId,
      kind: "invoice_currency",
      message: `${orderName}: ${currency.fallbackReason}`,
    });
}
