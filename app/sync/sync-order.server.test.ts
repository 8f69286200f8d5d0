// The orchestration against real Postgres + Redis and the Zoho/Shopify simulators (design §4, §5).
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { getBooksSettings, setCreateMissingItems } from "~/sync/books-settings.server";
import { InvoiceNotListedYetError } from "~/sync/errors";
import { syncOrder } from "~/sync/sync-order.server";
import { ZohoValidationError } from "~/zoho/errors";
import { italianOrder } from "~test/factories/italian-order";
import { connectedShop } from "~test/harness/connected-shop";
import { server } from "~test/harness";
import { getShopifyMetafield } from "~test/harness/shopify";
import { expireZohoAccessTokens, revokeZohoRefreshToken, zohoAccounts } from "~test/harness/zoho-accounts";
import { zohoBooks, type SimOrganization } from "~test/harness/zoho-books";

async function row(shop: string, orderId: string) {
  return prisma.orderSync.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId } } });
}

/** The organization's invoices as Zoho would return them. */
function invoicesOf(org: SimOrganization) {
  return [...org.invoices.keys()].map((id) => zohoBooks.invoice(org.organization.organization_id, id));
}

describe("syncOrder: the happy path", () => {
  it("creates one draft invoice whose total equals the Shopify total, records it and writes the metafield", async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu" });
    const order = italianOrder();
    const orderId = addOrder(order);

    const outcome = await syncOrder({ shop, orderId });

    expect(outcome.kind).toBe("created");
    if (outcome.kind !== "created") return;
    expect(outcome.zohoTotal).toBe(order.totalPriceSet.shopMoney.amount);
    const [invoice] = invoicesOf(org);
    expect(invoicesOf(org)).toHaveLength(1);
    expect(invoice).toMatchObject({ status: "draft", reference_number: "#1001" });

    const saved = await row(shop, orderId);
    expect(saved).toMatchObject({
      status: "synced",
      orderName: "#1001",
      zohoInvoiceId: outcome.invoiceId,
      zohoInvoiceNumber: outcome.invoiceNumber,
      zohoInvoiceStatus: "draft",
      currencyCode: "EUR",
      claimedAt: null,
      lastErrorCode: null,
      processedAt: new Date(order.processedAt), // the Orders page's "Order date"
    });
    expect(saved.shopifyTotal?.toFixed(2)).toBe(order.totalPriceSet.shopMoney.amount);
    expect(saved.zohoTotal?.toFixed(2)).toBe(order.totalPriceSet.shopMoney.amount);
    expect(getShopifyMetafield(order.id, "zoho_invoice")?.value).toBe(outcome.invoiceNumber);
    // Each product line is linked to a Zoho item, created on this first order (Activity says which).
    expect(invoice!.line_items.filter((l) => l.item_id).map((l) => l.name)).toEqual(["Espresso cups", "Cookbook"]);
    expect([...org.items.values()].map((i) => [i.name, i.product_type])).toEqual([
      ["Espresso cups", "goods"],
      ["Cookbook", "goods"],
    ]);
    const events = await prisma.syncEvent.findMany({ where: { shop, orderId } });
    expect(events.map((e) => e.kind).sort()).toEqual(["invoice_created", "items_created"]);
    expect(events.find((e) => e.kind === "items_created")?.message).toBe(
      "Created 2 Zoho items for #1001: Espresso cups, Cookbook",
    );
  });

  it("pays no reference-number lookup on the happy path and counts its Zoho calls", async () => {
    const { shop, addOrder } = await connectedShop({ preset: "eu" });
    const first = await syncOrder({ shop, orderId: addOrder(italianOrder()) });
    const taxTableCalls = zohoBooks.requests.filter((r) => r.path.startsWith("/settings/")).length;
    const newCustomer = await syncOrder({
      shop,
      orderId: addOrder(
        italianOrder({
          name: "#1002",
          id: "5002",
          email: "marco@example.com",
          customer: null,
          billingAddress: { ...italianOrder().billingAddress!, firstName: "Marco", lastName: "Bianchi" },
        }),
      ),
    });
    const knownCustomer = await syncOrder({ shop, orderId: addOrder(italianOrder({ name: "#1003", id: "5003" })) });

    expect(zohoBooks.count("GET /invoices")).toBe(0);
    const calls = [first, newCustomer, knownCustomer].map((o) => (o.kind === "created" ? o.zohoCalls : -1));
    // Cold tax cache on the first order only (then cached for an hour).
    expect(taxTableCalls).toBeGreaterThanOrEqual(1);
    // First order, new items: the item index, its refresh on the miss and one create per product (2).
    // New customer: search by email, create contact, create invoice (never searched by name: ADR 016).
    expect(calls).toEqual([taxTableCalls + 3 + 4, 3, 1]);
    expect(zohoBooks.count("GET /items")).toBe(2);
  });

  it("moves Zoho's rounding difference into the adjustment with exactly one PUT", async () => {
    // Zoho rounding tax per invoice instead of per line: 3 × 0.10 at 22 % → 0.07 tax, Shopify 0.06.
    const { shop, org, addOrder } = await connectedShop({ preset: "eu", settings: { taxRounding: "invoice" } });
    const order = italianOrder({
      taxesIncluded: false,
      discounts: [],
      shipping: [],
      lines: [0, 1, 2].map((i) => ({
        title: `Sticker ${i}`,
        quantity: 1,
        price: "0.10",
        taxes: [{ title: "IVA", percent: "22" }],
      })),
    });
    expect(order.totalPriceSet.shopMoney.amount).toBe("0.36");

    const outcome = await syncOrder({ shop, orderId: addOrder(order) });

    expect(outcome).toMatchObject({ kind: "created", corrected: true, zohoTotal: "0.36" });
    expect(zohoBooks.count("PUT /invoices/{id}")).toBe(1);
    expect(zohoBooks.count("GET /invoices/{id}")).toBe(0);
    expect(invoicesOf(org)[0]?.total).toBe("0.36");
    const events = await prisma.syncEvent.findMany({ where: { shop }, orderBy: { at: "asc" } });
    expect(events.map((e) => e.kind)).toContain("adjustment_corrected");
  });
});

describe("syncOrder: exactly one invoice", () => {
  it("a duplicate call (webhook twice, or webhook + scan) creates nothing more", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    const first = await syncOrder({ shop, orderId });
    const again = await syncOrder({ shop, orderId });
    expect(first.kind).toBe("created");
    expect(again).toMatchObject({ kind: "already_synced", invoiceId: first.kind === "created" ? first.invoiceId : "" });
    expect(invoicesOf(org)).toHaveLength(1);
    expect(zohoBooks.count("POST /invoices")).toBe(1);
  });

  it("two concurrent calls for one order end with one invoice", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    const results = await Promise.all([syncOrder({ shop, orderId }), syncOrder({ shop, orderId })]);
    const kinds = results.map((r) => r.kind).sort();
    expect(kinds).toEqual(["busy", "created"]);
    expect(invoicesOf(org)).toHaveLength(1);
    expect((await row(shop, orderId)).status).toBe("synced");
  });

  it("a crash after Zoho's 201 but before our commit: the next attempt finds the invoice by reference", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    await expect(
      syncOrder(
        { shop, orderId },
        {
          beforeCommit: async () => {
            throw new Error("worker killed");
          },
        },
      ),
    ).rejects.toThrow("worker killed");
    expect(invoicesOf(org)).toHaveLength(1);
    expect((await row(shop, orderId)).status).toBe("creating");

    const retry = await syncOrder({ shop, orderId });

    expect(retry.kind).toBe("recovered");
    expect(invoicesOf(org)).toHaveLength(1);
    expect(zohoBooks.count("POST /invoices")).toBe(1);
    expect(zohoBooks.count("GET /invoices")).toBe(1);
    expect(await row(shop, orderId)).toMatchObject({ status: "synced", zohoInvoiceId: invoicesOf(org)[0]!.invoice_id });
  });

  it("a worker that died holding the claim: others wait, then recover once its heartbeat is stale", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    const t0 = new Date();
    // The process dies between Zoho's answer and our commit: nothing runs after the POST.
    const crashed = syncOrder({ shop, orderId }, { now: () => t0, beforeCommit: () => new Promise<never>(() => {}) });
    await expect.poll(() => invoicesOf(org).length, { timeout: 5_000 }).toBe(1);
    void crashed;

    expect(await syncOrder({ shop, orderId }, { now: () => new Date(t0.getTime() + 60_000) })).toEqual({
      kind: "busy",
    });
    const later = await syncOrder({ shop, orderId }, { now: () => new Date(t0.getTime() + 6 * 60_000) });

    expect(later.kind).toBe("recovered");
    expect(invoicesOf(org)).toHaveLength(1);
  });

  it("a POST that failed after Zoho created the invoice (500 after create) is recovered, not duplicated", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    zohoBooks.inject({ kind: "crash-after-create" });

    await expect(syncOrder({ shop, orderId })).rejects.toThrow();
    expect(await row(shop, orderId)).toMatchObject({
      status: "creating",
      lastErrorCode: "zoho_unavailable",
      claimedAt: null,
    });

    expect((await syncOrder({ shop, orderId })).kind).toBe("recovered");
    expect(invoicesOf(org)).toHaveLength(1);
  });
});

describe("syncOrder: what real Zoho does that a clean simulator would not (ADR 012)", () => {
  it("connection dropped after the invoice was created, list search lagging: waits for the search, then recovers — one invoice", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    zohoBooks.setSearchLag(1_500);
    zohoBooks.inject({ kind: "crash-after-create", then: "drop" });

    await expect(syncOrder({ shop, orderId })).rejects.toThrow();
    const uncertain = await row(shop, orderId);
    expect(uncertain).toMatchObject({ status: "creating", lastErrorCode: "zoho_unavailable" });
    expect(uncertain.createUncertainAt).toBeInstanceOf(Date);

    // The lookup finds nothing yet: no second POST, the job waits and looks again.
    const early = syncOrder({ shop, orderId }, { searchSettleMs: 60_000 });
    await expect(early).rejects.toBeInstanceOf(InvoiceNotListedYetError);
    await expect(early).rejects.toMatchObject({ retryAfterMs: 15_000 });
    expect(await row(shop, orderId)).toMatchObject({
      status: "creating",
      lastErrorCode: "zoho_search_pending",
      createUncertainAt: uncertain.createUncertainAt,
    });
    expect(zohoBooks.count("POST /invoices")).toBe(1);

    await new Promise((r) => setTimeout(r, 1_600));
    expect((await syncOrder({ shop, orderId }, { searchSettleMs: 60_000 })).kind).toBe("recovered");
    expect(invoicesOf(org)).toHaveLength(1);
    expect(zohoBooks.count("POST /invoices")).toBe(1);
    expect(await row(shop, orderId)).toMatchObject({ status: "synced", createUncertainAt: null });
  });

  it("a create that never reached Zoho is sent again once the settle window has passed", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    zohoBooks.inject({ kind: "internal-error", method: "POST", path: "/invoices" });
    await expect(syncOrder({ shop, orderId })).rejects.toThrow();
    const since = (await row(shop, orderId)).createUncertainAt!;

    const at = (s: number) => () => new Date(since.getTime() + s * 1000);
    await expect(syncOrder({ shop, orderId }, { searchSettleMs: 60_000, now: at(50) })).rejects.toMatchObject({
      retryAfterMs: 10_000,
    });
    expect(zohoBooks.count("POST /invoices")).toBe(1);

    expect((await syncOrder({ shop, orderId }, { searchSettleMs: 60_000, now: at(61) })).kind).toBe("created");
    expect(invoicesOf(org)).toHaveLength(1);
    expect(zohoBooks.count("POST /invoices")).toBe(2);
  });

  it("an error sent with HTTP 200 is an error, not an invoice", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    zohoBooks.inject({ kind: "internal-error", method: "POST", path: "/invoices", httpStatus: 200 });

    await expect(syncOrder({ shop, orderId })).rejects.toThrow();
    expect(await row(shop, orderId)).toMatchObject({ status: "creating", zohoInvoiceId: null });

    expect((await syncOrder({ shop, orderId })).kind).toBe("created");
    expect(invoicesOf(org)).toHaveLength(1);
  });

  it("a rate-limit refusal sent with HTTP 200 and no Retry-After is a rate limit: nothing created, no lookup next time", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    zohoBooks.inject({ kind: "rate-limit", method: "POST", path: "/invoices", httpStatus: 200 });

    await expect(syncOrder({ shop, orderId })).rejects.toMatchObject({ retryAfterMs: 60_000 });
    expect(await row(shop, orderId)).toMatchObject({
      status: "failed",
      lastErrorCode: "zoho_rate_limit",
      createUncertainAt: null,
    });

    expect((await syncOrder({ shop, orderId })).kind).toBe("created");
    expect(zohoBooks.count("GET /invoices")).toBe(0);
    expect(invoicesOf(org)).toHaveLength(1);
  });
});

describe("syncOrder: bad input gets a recorded, readable reason", () => {
  it("an unknown tax rate → needs_attention, no contact and no invoice created", async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu" });
    const orderId = addOrder(
      italianOrder({
        lines: [{ title: "Wine", quantity: 1, price: "12.00", taxes: [{ title: "IVA", percent: "5" }] }],
      }),
    );

    await expect(syncOrder({ shop, orderId })).rejects.toThrow(/No Zoho tax of 5%/);

    expect(await row(shop, orderId)).toMatchObject({
      status: "needs_attention",
      lastErrorCode: "unknown_tax_rate",
      claimedAt: null,
    });
    expect((await row(shop, orderId)).lastErrorMessage).toMatch(/Settings › Taxes/);
    expect(org.contacts.size).toBe(0);
    expect(org.invoices.size).toBe(0);
    const [event] = await prisma.syncEvent.findMany({ where: { shop, orderId } });
    expect(event).toMatchObject({ kind: "needs_attention" });
    expect((await row(shop, orderId)).orderName).toBe("#1001");
    // Automatic sends leave it alone until a person acts; a manual send retries it.
    expect(await syncOrder({ shop, orderId })).toEqual({ kind: "skipped", reason: "status needs_attention" });

    // The merchant adds the tax in Zoho and clicks Retry: the hour-long tax cache is not in the way.
    zohoBooks.seedTax(org.organization.organization_id, { tax_name: "IVA 5", tax_percentage: 5 });
    expect((await syncOrder({ shop, orderId, mode: "manual" })).kind).toBe("created");
  });

  it("a currency mismatch → needs_attention", async () => {
    const { shop, addOrder } = await connectedShop({ preset: "us" });
    const orderId = addOrder(italianOrder());
    await expect(syncOrder({ shop, orderId })).rejects.toThrow();
    expect(await row(shop, orderId)).toMatchObject({ status: "needs_attention", lastErrorCode: "currency_mismatch" });
  });

  it("a Zoho validation error → needs_attention with Zoho's code and message, never retried", async () => {
    const { shop, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    server.use(
      http.post("https://www.zohoapis.com/books/v3/invoices", () =>
        HttpResponse.json(
          { code: 4003, message: "Invoice date cannot be earlier than the lock date." },
          { status: 400 },
        ),
      ),
    );
    await expect(syncOrder({ shop, orderId })).rejects.toBeInstanceOf(ZohoValidationError);
    expect(await row(shop, orderId)).toMatchObject({
      status: "needs_attention",
      lastErrorCode: "zoho_4003",
      lastErrorMessage: "Zoho Books refused the request: Invoice date cannot be earlier than the lock date.",
    });
  });

  it("a token revoked mid-sync → the shop needs reconnecting and the order says so", async () => {
    const { shop, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    const conn = await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } });
    for (const [token, info] of zohoAccounts.refreshTokens)
      if (info.accountsServer === conn.accountsServer) revokeZohoRefreshToken(token);
    expireZohoAccessTokens();

    await expect(syncOrder({ shop, orderId })).rejects.toThrow();

    // `failed`, not `needs_attention`: the order goes by itself once the merchant reconnects.
    expect(await row(shop, orderId)).toMatchObject({ status: "failed", lastErrorCode: "zoho_auth" });
    expect((await row(shop, orderId)).lastErrorMessage).toMatch(/^Reconnect Zoho Books in Settings/);
    expect((await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).status).toBe("needs_reauth");
  });

  it("a contact deleted in Zoho since we cached it is looked up again", async () => {
    const { shop, org, addOrder } = await connectedShop();
    await syncOrder({ shop, orderId: addOrder(italianOrder()) });
    org.contacts.clear();

    const outcome = await syncOrder({ shop, orderId: addOrder(italianOrder({ name: "#1002", id: "5002" })) });

    expect(outcome.kind).toBe("created");
    expect(org.contacts.size).toBe(1);
    expect(invoicesOf(org)).toHaveLength(2);
  });

  it("a POST refused with 429 created nothing: the next attempt creates without a lookup", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    zohoBooks.inject({ kind: "rate-limit", method: "POST", path: "/invoices" });
    await expect(syncOrder({ shop, orderId })).rejects.toThrow();
    expect(await row(shop, orderId)).toMatchObject({
      status: "failed",
      lastErrorCode: "zoho_rate_limit",
      claimedAt: null,
    });
    expect(await prisma.syncEvent.count({ where: { shop, orderId } })).toBe(0); // the queue waits; no Activity noise

    expect((await syncOrder({ shop, orderId })).kind).toBe("created");
    expect(zohoBooks.count("GET /invoices")).toBe(0);
    expect(invoicesOf(org)).toHaveLength(1);
  });

  it("Zoho unavailable before the POST → failed (retried later), nothing half-written", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    zohoBooks.inject({ kind: "internal-error", method: "GET", path: "/settings/taxes", times: 3 });
    await expect(syncOrder({ shop, orderId })).rejects.toThrow();
    expect(await row(shop, orderId)).toMatchObject({
      status: "failed",
      lastErrorCode: "zoho_unavailable",
      zohoInvoiceId: null,
      claimedAt: null,
    });
    expect(org.invoices.size).toBe(0);
    expect((await syncOrder({ shop, orderId })).kind).toBe("created");
  });
});

describe("syncOrder: Zoho items", () => {
  it("a Zoho that requires an item on every line: the refusal marks the organization, the order is retried with items at once", async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu", settings: { itemRequired: true } });
    const orderId = addOrder(italianOrder());

    const outcome = await syncOrder({ shop, orderId });

    expect(outcome).toMatchObject({ kind: "created", zohoTotal: italianOrder().totalPriceSet.shopMoney.amount });
    const [invoice] = invoicesOf(org);
    expect(invoice!.line_items.every((l) => l.item_id)).toBe(true);
    // Shipping and discount lines keep their names on a service item.
    const byItem = new Map([...org.items.values()].map((i) => [i.item_id, i]));
    expect(invoice!.line_items.map((l) => [l.name.split(":")[0], byItem.get(l.item_id!)?.name])).toContainEqual([
      "Shipping",
      "Shipping",
    ]);
    expect([...org.items.values()].find((i) => i.name === "Shipping")).toMatchObject({
      product_type: "service",
      rate: 0,
    });
    expect(zohoBooks.count("POST /invoices")).toBe(2); // the refused one, then the one with items
    expect(await getBooksSettings(shop)).toMatchObject({ itemsRequired: true });
    const events = await prisma.syncEvent.findMany({ where: { shop } });
    expect(events.map((e) => e.kind).sort()).toEqual(["invoice_created", "items_created", "zoho_rules_changed"]);
    expect(events.find((e) => e.kind === "zoho_rules_changed")?.message).toMatch(
      /^Zoho Books requires an item on every invoice line/,
    );

    // The next order goes with items at once: one POST.
    zohoBooks.clearRequests();
    await syncOrder({ shop, orderId: addOrder(italianOrder({ name: "#1002", id: "5002" })) });
    expect(zohoBooks.count("POST /invoices")).toBe(1);
  });

  it("links an existing item by SKU, then by exact name, and creates none when the setting is off", async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu" });
    const orgId = org.organization.organization_id;
    const cups = zohoBooks.seedItem(orgId, { name: "Cups (Zoho name)", sku: "CUP-2" });
    const book = zohoBooks.seedItem(orgId, { name: "cookbook" });
    await setCreateMissingItems(shop, false);
    const order = italianOrder();
    order.lineItems.nodes[0]!.sku = "CUP-2";

    await syncOrder({ shop, orderId: addOrder(order) });

    const [invoice] = invoicesOf(org);
    expect(invoice!.line_items.slice(0, 2).map((l) => l.item_id)).toEqual([cups.item_id, book.item_id]);
    expect(org.items.size).toBe(2);
    expect(zohoBooks.count("POST /items")).toBe(0);
  });

  it("a Zoho that requires items while creating them is off: needs attention with the setting to turn on", async () => {
    const { shop, addOrder } = await connectedShop({ preset: "eu", settings: { itemRequired: true } });
    await setCreateMissingItems(shop, false);
    const orderId = addOrder(italianOrder());

    await expect(syncOrder({ shop, orderId })).rejects.toBeInstanceOf(ZohoValidationError);

    expect(await row(shop, orderId)).toMatchObject({
      status: "needs_attention",
      lastErrorMessage: expect.stringMatching(/Create missing items in Zoho/),
    });
  });
});

describe("syncOrder: discount styles", () => {
  it("a Zoho that refuses negative lines (e-invoicing): the organization switches to line discounts by itself, totals to the cent", async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu", settings: { negativeRatesRefused: true } });
    const order = italianOrder();
    const orderId = addOrder(order);

    const outcome = await syncOrder({ shop, orderId });

    expect(outcome).toMatchObject({ kind: "created", zohoTotal: order.totalPriceSet.shopMoney.amount });
    const [invoice] = invoicesOf(org);
    expect(invoice!.line_items.every((l) => l.rate >= 0)).toBe(true);
    expect(invoice!.line_items.some((l) => (l.discount_amount ?? 0) > 0)).toBe(true);
    expect(await getBooksSettings(shop)).toMatchObject({ discountStyle: "lines" });
    const events = await prisma.syncEvent.findMany({ where: { shop, kind: "zoho_rules_changed" } });
    expect(events.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^Zoho Books refuses negative invoice lines .* discounts are sent as Zoho's own line discounts/,
      ),
    ]);

    zohoBooks.clearRequests();
    await syncOrder({ shop, orderId: addOrder(italianOrder({ name: "#1002", id: "5002" })) });
    expect(zohoBooks.count("POST /invoices")).toBe(1);
  });
});
