// Types of the order → invoice mapping, shared by its parts (app/sync/mapping.ts composes them).
import type { PaidOrderFragment } from "~/types/admin.generated";
import type { ZohoInvoicePayload, ZohoTaxTableEntry } from "~/zoho/types";
import type { Decimal } from "../money";
import type { TaxMatch } from "../tax-match";
import type { MoneyBagChoice } from "./money-bag";

/** The mapping's input: `order { ...PaidOrder }` from app/shopify/paid-order.ts. */
export type PaidOrder = PaidOrderFragment;
export type LineItem = PaidOrder["lineItems"]["nodes"][number];
export type ShippingLine = PaidOrder["shippingLines"]["nodes"][number];
export type TaxLine = LineItem["taxLines"][number];
export type DiscountAllocation = LineItem["discountAllocations"][number];
export type DiscountApplication = DiscountAllocation["discountApplication"];
export type MoneyBag = LineItem["originalUnitPriceSet"];

export interface MappingSettings {
  /** Zoho organization `price_precision` (0–3): Zoho rounds line rates to it. */
  pricePrecision: number;
  /** Zoho organization (base) currency. Without `currency` it must equal the shop currency (v1). */
  organizationCurrency: string;
  /**
   * The invoice's currency and where its amounts come from (ADR 020). Absent: shop money, and the
   * organization must be in the shop currency (the preview without options, v1 callers).
   */
  currency?: InvoiceCurrency;
  /** This store's reference prefix ("EU" → reference "EU-#1001"); none by default. */
  referencePrefix?: string;
  /** Shop IANA timezone (`shop.ianaTimezone`); without it the offset written in processedAt is used. */
  timezone?: string;
  /** Zoho item ids by Shopify SKU (an item index, or the preview's `--items`). */
  itemIdsBySku?: Record<string, string>;
  /** Zoho item ids by exact item name, trimmed and lower-case (a product line without a SKU match). */
  itemIdsByName?: Record<string, string>;
  /**
   * How discounts reach Zoho: "negative" (default) = separate negative lines, one per discount and tax;
   * "lines" = Zoho's own line `discount` on each discounted line (order-level discounts as Shopify
   * allocated them), for organizations that refuse negative lines (e-invoicing).
   */
  discountStyle?: DiscountStyle;
  /**
   * "Print the order note on the invoice" (default off): the order's note becomes the invoice's
   * customer-facing `notes`. Off, because a note is often written for the shop ("leave at the back door").
   */
  printOrderNote?: boolean;
  /** The merchant's Zoho tax for a Shopify tax (titles joined " + ") that fits several Zoho taxes. */
  taxMappings?: Readonly<Record<string, string>>;
}

export type DiscountStyle = "negative" | "lines";

export interface InvoiceCurrency {
  /** "shop": `shopMoney`; "presentment": every amount from `presentmentMoney` (what the customer paid). */
  bag: MoneyBagChoice;
  /** The invoice currency: must be the chosen bag's currency (checked). */
  currencyCode: string;
  /** Zoho's currency_id for it; the preview knows none and leaves it out. */
  currencyId?: string;
  /**
   * Organization base-currency units per one invoice-currency unit (Zoho's `exchange_rate`), a decimal
   * string. Required when the invoice currency is not the organization's.
   */
  exchangeRate?: string;
}

/** POST /invoices body without `customer_id` (the contact is resolved by the orchestration). */
export type InvoiceDraft = Omit<ZohoInvoicePayload, "customer_id">;

export interface TaxChoice {
  /** Invoice line name. */
  line: string;
  /** Sum of the Shopify rates on that line, e.g. "22" or "8.875"; "0" for an untaxed line. */
  ratePercent: string;
  /** Zoho tax_id; "" for an untaxed line. */
  taxId: string;
  taxName: string;
  reason: string;
}

/** What an invoice line stands for: the Zoho item it needs (design §7, items). */
export type LineSource =
  { kind: "product"; sku?: string; productType: "goods" | "service" } | { kind: "shipping" | "discount" | "tip" };

export interface MappedInvoice {
  payload: InvoiceDraft;
  /** Index-aligned with payload.line_items. */
  lineSources: LineSource[];
  /** `currentTotalPriceSet` (or `totalPriceSet` once refunded, mapping/kept.ts) in currency precision: the total the Zoho invoice must show. */
  expectedTotal: string;
  /** The invoice currency. */
  currencyCode: string;
  /** Zoho's exchange_rate to the organization currency ("1" when the invoice is in it). */
  exchangeRate: string;
  /** What the customer paid (`totalPriceSet.presentmentMoney`), when Shopify gave it. */
  customerPaid: { amount: string; currencyCode: string } | null;
  taxChoices: TaxChoice[];
  /** The largest "Rounding" adjustment rounding explains (mapping/tax-agreement.ts); beyond it, needs attention. */
  roundingTolerance: string;
}

/** What every part reads besides its own lines: the shop currency, the order's tax status, the tax table. */
export interface MappingContext {
  currency: string;
  /** The currency's decimals (prorated amounts are rounded to them). */
  decimals: number;
  /** Invoice the order as it is now (`currentQuantity`), not as sold: see mapping/kept.ts. */
  current: boolean;
  taxExempt: boolean;
  taxes: readonly ZohoTaxTableEntry[];
  taxMappings?: Readonly<Record<string, string>>;
  itemIdsBySku?: Record<string, string>;
  itemIdsByName?: Record<string, string>;
}

/** One invoice line, before it is written in Zoho's format. */
export interface Draft {
  name: string;
  description?: string;
  quantity: number;
  rate: Decimal;
  tax?: TaxMatch;
  itemId?: string;
  source: LineSource;
  /** Zoho's line discount (amount), discount style "lines". */
  discount?: Decimal;
}

/** The Zoho tax of a line, or why it has none. */
export interface LineTax {
  match?: TaxMatch;
  untaxedReason?: string;
}

/** An amount of one discount application allocated to a line, with that line's Zoho tax. */
export interface DiscountShare {
  app: DiscountApplication;
  tax?: TaxMatch;
  amount: Decimal;
}

/** Shopify's own tax on a line (counted only when the line carries a Zoho tax). */
export interface ShopifyTax {
  amount: Decimal;
  /** Shopify tax lines counted: each may differ by a minor unit when Shopify rounds per order. */
  count: number;
}

/** A product or shipping line: its invoice line and tax choice, its discounts, Shopify's numbers for it. */
export interface MappedLine {
  draft: Draft;
  choice: TaxChoice;
  discounts: DiscountShare[];
  /** Price × quantity − discounts, as Shopify charged it before tax. */
  net: Decimal;
  shopifyTax: ShopifyTax;
}
