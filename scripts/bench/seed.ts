// Shops, organizations and orders for the benchmark, written straight into the simulators' state
// (this process hosts them, test/harness/sim-server.ts serves them to the worker) and the database.
// Loaded only after scripts/bench/env.ts has set the environment.
import { randomBytes } from "node:crypto";
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { env } from "~/env.server";
import type { PaidOrder } from "~/sync/mapping";
import { buildOrder } from "~test/factories/order";
import { storeConnection } from "~test/harness/connected-shop";
import { installShop } from "~test/harness/shopify-auth";
import { addShopifyOrder, type SimOrder } from "~test/harness/shopify";
import { issueTokensFor, registerZohoClient } from "~test/harness/zoho-accounts";
import { seedOrganization, type SimOrganization } from "~test/harness/zoho-books";
import type { LoadRequest } from "./load";

export interface BenchShop {
  shop: string;
  org: SimOrganization;
  organizationId: string;
}

/** The bench's Zoho OAuth client, known to the accounts simulator (a token refresh would use it). */
export function registerBenchZohoClient(): void {
  registerZohoClient(env.ZOHO_CLIENT_ID, { secret: env.ZOHO_CLIENT_SECRET, redirectUris: [env.ZOHO_REDIRECT_URI] });
}

/**
 * A shop as after installation and a completed Zoho connect: offline session, an EU organization of
 * its own in the Books simulator (IVA 22/10/4, EUR), tokens minted for the simulator server's origin
 * (so the worker, pointed there by ZOHO_API_URL, is accepted), auto-send on.
 */
export async function seedConnectedShop(label: string, zohoOrigin: string): Promise<BenchShop> {
  const shop = `bench-${label}-${randomBytes(3).toString("hex")}.myshopify.com`;
  await installShop(shop);
  const org = seedOrganization({ preset: "eu", name: `Bench ${label}` });
  await storeConnection(shop, org, issueTokensFor({ accountsServer: zohoOrigin, clientId: env.ZOHO_CLIENT_ID }));
  return { shop, org, organizationId: org.organization.organization_id };
}

let nextOrderId = 7_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1000;

/** A customer of the benchmark: the same index gives the same person (a repeat customer). */
export function customer(index: number, tag: string) {
  const first = ["Giulia", "Marco", "Sofia", "Luca", "Chiara", "Matteo", "Anna", "Paolo"][index % 8]!;
  const last = `Bench${tag}${index}`;
  return {
    email: `${first.toLowerCase()}.${last.toLowerCase()}@example.com`,
    firstName: first,
    lastName: last,
    address: {
      firstName: first,
      lastName: last,
      address1: `Via Roma ${index + 1}`,
      city: "Milano",
      zip: "20121",
      country: "Italy",
      countryCodeV2: "IT",
      province: "MI",
      provinceCode: "MI",
    },
  };
}

/** A paid EUR order (IVA 22 % included, two lines, shipping) of `who`, added to the Shopify simulator. */
export function addPaidOrder(shop: string, who: ReturnType<typeof customer>): PaidOrder {
  const id = String(++nextOrderId);
  const order = buildOrder({
    name: `#B${id.slice(-6)}`,
    id,
    currency: "EUR",
    taxesIncluded: true,
    processedAt: new Date().toISOString(),
    email: who.email,
    customer: null,
    billingAddress: who.address as PaidOrder["billingAddress"],
    shippingAddress: who.address as PaidOrder["shippingAddress"],
    lines: [
      {
        title: "Espresso cups",
        variant: "Set of 2",
        sku: "CUP-2",
        quantity: 2,
        price: "19.90",
        taxes: [{ title: "IVA", percent: "22" }],
      },
      {
        title: "Coffee beans 1 kg",
        sku: "BEANS-1",
        quantity: 1,
        price: "24.50",
        taxes: [{ title: "IVA", percent: "22" }],
      },
    ],
    shipping: [{ title: "Standard", price: "6.90", taxes: [{ title: "IVA", percent: "22" }] }],
  });
  addShopifyOrder(order as unknown as SimOrder, { shop });
  return order;
}

/** A signed orders/paid delivery of `order` as Shopify POSTs it (REST JSON body, X-Shopify-* headers). */
export function ordersPaidRequest(shop: string, order: PaidOrder): LoadRequest {
  const body = Buffer.from(JSON.stringify(restOrderBody(order)));
  return {
    path: "/webhooks/orders/paid",
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": "orders/paid",
      "x-shopify-shop-domain": shop,
      "x-shopify-api-version": "2026-04",
      "x-shopify-webhook-id": randomUUIDish(),
      "x-shopify-event-id": randomUUIDish(),
      "x-shopify-triggered-at": new Date().toISOString(),
      "x-shopify-hmac-sha256": getHmac(body.toString("utf8"), env.SHOPIFY_API_SECRET),
    },
  };
}

function randomUUIDish(): string {
  const h = randomBytes(16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The REST shape of an orders/paid body, with the fields and nesting of a real delivery (addresses,
 * customer, line items with tax lines and price sets, shipping lines): about 6 KB, like the samples in
 * Shopify's docs, so parsing and HMAC cost what they cost in production.
 */
export function restOrderBody(order: PaidOrder): Record<string, unknown> {
  const cur = order.currencyCode;
  const set = (amount: string) => ({
    shop_money: { amount, currency_code: cur },
    presentment_money: { amount, currency_code: cur },
  });
  const addr = order.billingAddress as Record<string, string | null> | null;
  const address = addr && {
    first_name: addr.firstName,
    last_name: addr.lastName,
    address1: addr.address1,
    address2: null,
    city: addr.city,
    zip: addr.zip,
    province: addr.province,
    province_code: addr.provinceCode,
    country: addr.country,
    country_code: "IT",
    company: null,
    phone: null,
    name: `${addr.firstName} ${addr.lastName}`,
    latitude: 45.4642,
    longitude: 9.19,
  };
  const id = Number(order.legacyResourceId);
  const amt = (bag: { shopMoney: { amount: string } } | null | undefined) => bag?.shopMoney.amount ?? "0.00";
  return {
    id,
    admin_graphql_api_id: order.id,
    app_id: 580111,
    browser_ip: "203.0.113.7",
    buyer_accepts_marketing: false,
    cancel_reason: null,
    cancelled_at: null,
    cart_token: randomBytes(16).toString("hex"),
    checkout_id: id + 17,
    checkout_token: randomBytes(16).toString("hex"),
    client_details: {
      accept_language: "it-IT",
      browser_height: null,
      browser_ip: "203.0.113.7",
      browser_width: null,
      session_hash: null,
      user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36",
    },
    confirmed: true,
    contact_email: order.email,
    created_at: order.createdAt,
    currency: cur,
    current_subtotal_price: amt(order.subtotalPriceSet),
    current_subtotal_price_set: set(amt(order.subtotalPriceSet)),
    current_total_price: amt(order.currentTotalPriceSet),
    current_total_price_set: set(amt(order.currentTotalPriceSet)),
    current_total_tax: amt(order.totalTaxSet),
    current_total_tax_set: set(amt(order.totalTaxSet)),
    customer_locale: "it",
    discount_codes: [],
    email: order.email,
    estimated_taxes: false,
    financial_status: "paid",
    fulfillment_status: null,
    landing_site: "/",
    name: order.name,
    note: order.note,
    note_attributes: [],
    number: id % 100_000,
    order_number: 1000 + (id % 100_000),
    order_status_url: `https://shop.example.com/orders/${randomBytes(16).toString("hex")}/authenticate?key=${randomBytes(16).toString("hex")}`,
    payment_gateway_names: ["shopify_payments"],
    phone: null,
    presentment_currency: cur,
    processed_at: order.processedAt,
    source_name: "web",
    subtotal_price: amt(order.subtotalPriceSet),
    subtotal_price_set: set(amt(order.subtotalPriceSet)),
    tags: "",
    tax_lines: order.taxLines.map((t) => ({
      price: t.priceSet.shopMoney.amount,
      rate: t.rate,
      title: t.title,
      price_set: set(t.priceSet.shopMoney.amount),
      channel_liable: false,
    })),
    taxes_included: order.taxesIncluded,
    test: false,
    token: randomBytes(16).toString("hex"),
    total_discounts: amt(order.totalDiscountsSet),
    total_discounts_set: set(amt(order.totalDiscountsSet)),
    total_line_items_price: amt(order.subtotalPriceSet),
    total_line_items_price_set: set(amt(order.subtotalPriceSet)),
    total_outstanding: "0.00",
    total_price: amt(order.totalPriceSet),
    total_price_set: set(amt(order.totalPriceSet)),
    total_shipping_price_set: set(amt(order.totalShippingPriceSet)),
    total_tax: amt(order.totalTaxSet),
    total_tax_set: set(amt(order.totalTaxSet)),
    total_tip_received: "0.00",
    total_weight: 1500,
    updated_at: order.updatedAt,
    billing_address: address,
    shipping_address: address,
    customer: addr && {
      id: id + 1_000_000,
      email: order.email,
      created_at: order.createdAt,
      updated_at: order.updatedAt,
      first_name: addr.firstName,
      last_name: addr.lastName,
      state: "enabled",
      note: null,
      verified_email: true,
      multipass_identifier: null,
      tax_exempt: false,
      phone: null,
      email_marketing_consent: { state: "not_subscribed", opt_in_level: "single_opt_in", consent_updated_at: null },
      tags: "",
      currency: cur,
      admin_graphql_api_id: `gid://shopify/Customer/${id + 1_000_000}`,
      default_address: { ...address, id: id + 2_000_000, customer_id: id + 1_000_000, default: true },
    },
    discount_applications: [],
    fulfillments: [],
    line_items: order.lineItems.nodes.map((line, i) => ({
      id: id * 10 + i,
      admin_graphql_api_id: line.id,
      fulfillable_quantity: line.quantity,
      fulfillment_service: "manual",
      fulfillment_status: null,
      gift_card: false,
      grams: 500,
      name: line.name,
      price: line.originalUnitPriceSet.shopMoney.amount,
      price_set: set(line.originalUnitPriceSet.shopMoney.amount),
      product_exists: true,
      product_id: 8_000_000_000 + i,
      properties: [],
      quantity: line.quantity,
      requires_shipping: true,
      sku: line.sku,
      taxable: true,
      title: line.title,
      total_discount: "0.00",
      total_discount_set: set("0.00"),
      variant_id: 9_000_000_000 + i,
      variant_inventory_management: "shopify",
      variant_title: line.variantTitle ?? "",
      vendor: "Bench Roasters",
      tax_lines: line.taxLines.map((t) => ({
        channel_liable: false,
        price: t.priceSet.shopMoney.amount,
        price_set: set(t.priceSet.shopMoney.amount),
        rate: t.rate,
        title: t.title,
      })),
      duties: [],
      discount_allocations: [],
    })),
    payment_terms: null,
    refunds: [],
    shipping_lines: order.shippingLines.nodes.map((s, i) => ({
      id: id * 10 + 5 + i,
      carrier_identifier: null,
      code: s.code ?? s.title,
      discounted_price: s.originalPriceSet.shopMoney.amount,
      discounted_price_set: set(s.originalPriceSet.shopMoney.amount),
      phone: null,
      price: s.originalPriceSet.shopMoney.amount,
      price_set: set(s.originalPriceSet.shopMoney.amount),
      requested_fulfillment_service_id: null,
      source: "shopify",
      title: s.title,
      tax_lines: s.taxLines.map((t) => ({
        channel_liable: false,
        price: t.priceSet.shopMoney.amount,
        price_set: set(t.priceSet.shopMoney.amount),
        rate: t.rate,
        title: t.title,
      })),
      discount_allocations: [],
    })),
  };
}
