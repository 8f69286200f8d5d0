// The block's view of an OrderSync row (pure): every status, holds, problems, money and the link.
import { describe, expect, it } from "vitest";
import { orderInvoiceView, parseOrderId, stateOfZohoStatus, type OrderSyncLike } from "~/sync/order-invoice";

const at = new Date("2026-11-20T10:15:00Z");
const ctx = { dataCenter: "eu", organizationId: "20099999" };

function row(overrides: Partial<OrderSyncLike> = {}): OrderSyncLike {
  return {
    orderId: "5001",
    orderName: "#1001",
    status: "synced",
    zohoInvoiceId: "460000000012",
    zohoInvoiceNumber: "INV-000012",
    zohoInvoiceStatus: "draft",
    currencyCode: "EUR",
    shopifyTotal: "44.3", // Prisma Decimal(20,4) prints without trailing zeros
    zohoTotal: "44.3",
    lastErrorCode: null,
    lastErrorMessage: null,
    syncedAt: at,
    updatedAt: at,
    ...overrides,
  };
}

describe("orderInvoiceView", () => {
  it("a synced draft: state draft, totals in the currency's decimals, the Zoho link of the data center", () => {
    expect(orderInvoiceView("5001", row(), ctx)).toEqual({
      orderId: "5001",
      orderName: "#1001",
      state: "draft",
      invoice: {
        id: "460000000012",
        number: "INV-000012",
        zohoStatus: "draft",
        currencyCode: "EUR",
        shopifyTotal: "44.30",
        zohoTotal: "44.30",
        url: "https://books.zoho.eu/app/20099999#/invoices/460000000012",
      },
      orderTotal: { amount: "44.30", currencyCode: "EUR" },
      problem: null,
      syncedAt: "2026-11-20T10:15:00.000Z",
      updatedAt: "2026-11-20T10:15:00.000Z",
      lifecycle: { cancelled: false, pendingChange: null, changeNote: null },
    });
  });

  it("carries the order's life after its invoice: cancelled, a change being applied, what a sent invoice lacks", () => {
    const note = "Changed after the invoice was sent (INV-000012 is sent in Zoho Books): Cookbook removed.";
    const view = orderInvoiceView(
      "5001",
      row({
        zohoInvoiceStatus: "void",
        cancelledAt: new Date("2026-11-22T08:00:00Z"),
        pendingChange: "bogus",
        changeNote: note,
      }),
      ctx,
    );
    expect(view.state).toBe("void");
    expect(view.lifecycle).toEqual({ cancelled: true, pendingChange: null, changeNote: note });
    expect(orderInvoiceView("5001", row({ pendingChange: "cancel" }), ctx).lifecycle?.pendingChange).toBe("cancel");
  });

  it.each([
    ["draft", "draft"],
    [null, "draft"],
    ["sent", "sent"],
    ["viewed", "sent"],
    ["overdue", "sent"],
    ["partially_paid", "sent"],
    ["paid", "paid"],
    ["void", "void"],
  ] as const)("Zoho status %s → %s", (zohoStatus, state) => {
    expect(stateOfZohoStatus(zohoStatus)).toBe(state);
    expect(orderInvoiceView("5001", row({ zohoInvoiceStatus: zohoStatus }), ctx).state).toBe(state);
  });

  it("an invoice whose total differs keeps showing the invoice, with the problem", () => {
    const view = orderInvoiceView(
      "5001",
      row({
        status: "needs_attention",
        zohoTotal: "44.31",
        lastErrorCode: "total_mismatch",
        lastErrorMessage: "Zoho Books shows 44.31 EUR…",
      }),
      ctx,
    );
    expect(view.state).toBe("draft");
    expect(view.invoice?.zohoTotal).toBe("44.31");
    expect(view.problem).toEqual({ code: "total_mismatch", message: "Zoho Books shows 44.31 EUR…", retryable: false });
  });

  it("JPY has no decimals, KWD three", () => {
    expect(
      orderInvoiceView("5001", row({ currencyCode: "JPY", shopifyTotal: "9685", zohoTotal: "9685" }), ctx).invoice
        ?.shopifyTotal,
    ).toBe("9685");
    expect(
      orderInvoiceView("5001", row({ currencyCode: "KWD", shopifyTotal: "46.893", zohoTotal: "46.893" }), ctx).invoice
        ?.zohoTotal,
    ).toBe("46.893");
  });

  it("no link for a custom Zoho server or before an organization is chosen", () => {
    expect(orderInvoiceView("5001", row(), { dataCenter: "custom", organizationId: "1" }).invoice?.url).toBeNull();
    expect(orderInvoiceView("5001", row(), { dataCenter: "com", organizationId: null }).invoice?.url).toBeNull();
  });

  it("an order the app never saw: not_sent with Shopify's total", () => {
    const view = orderInvoiceView("5001", null, {
      ...ctx,
      order: { orderId: "5001", name: "#1001", total: "12.00", currencyCode: "USD" },
    });
    expect(view).toMatchObject({
      state: "not_sent",
      orderName: "#1001",
      invoice: null,
      orderTotal: { amount: "12.00", currencyCode: "USD" },
      problem: null,
    });
  });

  const noInvoice = {
    zohoInvoiceId: null,
    zohoInvoiceNumber: null,
    zohoInvoiceStatus: null,
    zohoTotal: null,
    shopifyTotal: null,
    syncedAt: null,
  };

  it("queued → queued; held (auto-send off) → not_sent with the hold reason", () => {
    expect(orderInvoiceView("5001", row({ ...noInvoice, status: "queued" }), ctx)).toMatchObject({
      state: "queued",
      problem: null,
    });
    const held = orderInvoiceView(
      "5001",
      row({
        ...noInvoice,
        status: "queued",
        lastErrorCode: "auto_send_off",
        lastErrorMessage: "Not sent: automatic sending was off…",
      }),
      ctx,
    );
    expect(held).toMatchObject({ state: "not_sent", problem: { code: "auto_send_off", retryable: false } });
  });

  it("creating → sending; failed → error the app retries; needs_attention → error for a person", () => {
    expect(orderInvoiceView("5001", row({ ...noInvoice, status: "creating" }), ctx).state).toBe("sending");
    expect(
      orderInvoiceView(
        "5001",
        row({
          ...noInvoice,
          status: "failed",
          lastErrorCode: "zoho_unavailable",
          lastErrorMessage: "Zoho Books did not answer",
        }),
        ctx,
      ),
    ).toMatchObject({
      state: "error",
      problem: { code: "zoho_unavailable", retryable: true },
    });
    expect(
      orderInvoiceView(
        "5001",
        row({
          ...noInvoice,
          status: "needs_attention",
          lastErrorCode: "unknown_tax_rate",
          lastErrorMessage: "No Zoho tax of 22%",
        }),
        ctx,
      ),
    ).toMatchObject({
      state: "error",
      problem: { code: "unknown_tax_rate", message: "No Zoho tax of 22%", retryable: false },
    });
    // An error state always explains itself, even without a recorded reason.
    expect(orderInvoiceView("5001", row({ ...noInvoice, status: "failed" }), ctx).problem?.message).toMatch(/failed/);
  });

  it("deleted → not_sent (with the reason when Zoho lost it)", () => {
    expect(orderInvoiceView("5001", row({ ...noInvoice, status: "deleted" }), ctx)).toMatchObject({
      state: "not_sent",
      invoice: null,
      problem: null,
    });
    expect(
      orderInvoiceView(
        "5001",
        row({ ...noInvoice, status: "deleted", lastErrorCode: "zoho_invoice_missing", lastErrorMessage: "gone" }),
        ctx,
      ).problem?.code,
    ).toBe("zoho_invoice_missing");
  });
});

describe("parseOrderId", () => {
  it.each([
    ["450789469", "450789469"],
    ["gid://shopify/Order/450789469", "450789469"],
    ["gid%3A%2F%2Fshopify%2FOrder%2F450789469", "450789469"],
    [" 450789469 ", "450789469"],
  ])("%s → %s", (raw, id) => expect(parseOrderId(raw)).toBe(id));

  it.each([undefined, "", "gid://shopify/Product/1", "12a", "-1", "1".repeat(21), "%E0%A4%A"])("rejects %s", (raw) => {
    expect(parseOrderId(raw)).toBeNull();
  });
});
