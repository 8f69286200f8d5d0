import { describe, expect, it } from "vitest";
import { formatShopTime, knownTimeZone } from "~/components/shop-time";
import { shopifyOrderAdminUrl, zohoInvoiceUrl } from "~/components/admin-links";

describe("formatShopTime", () => {
  it("shows the instant on the shop's clock, with the zone", () => {
    expect(formatShopTime("2026-11-20T08:00:00Z", "Europe/Rome")).toBe("Nov 20, 2026, 9:00 AM GMT+1");
    expect(formatShopTime("2026-11-20T08:00:00Z", "America/New_York")).toBe("Nov 20, 2026, 3:00 AM EST");
    expect(formatShopTime("2026-07-01T23:30:05Z", "Asia/Tokyo", { seconds: true })).toBe(
      "Jul 2, 2026, 8:30:05 AM GMT+9",
    );
  });

  it("falls back to UTC for a zone Intl does not know", () => {
    expect(knownTimeZone("Mars/Olympus")).toBe("UTC");
    expect(knownTimeZone(null)).toBe("UTC");
    expect(formatShopTime("2026-11-20T08:00:00Z", "Mars/Olympus")).toBe("Nov 20, 2026, 8:00 AM UTC");
  });
});

describe("admin links", () => {
  it("opens the order in the shop's Shopify admin", () => {
    expect(shopifyOrderAdminUrl("acme-goods.myshopify.com", "9100001")).toBe(
      "https://admin.shopify.com/store/acme-goods/orders/9100001",
    );
    expect(shopifyOrderAdminUrl("acme-goods.myshopify.com", "gid://shopify/Order/1")).toBeNull();
    expect(shopifyOrderAdminUrl("evil.com/x", "1")).toBeNull();
  });

  it("opens the invoice in the organization's Zoho Books data center, or nowhere for a custom server", () => {
    expect(zohoInvoiceUrl({ dataCenter: "eu", organizationId: "600" }, "46")).toBe(
      "https://books.zoho.eu/app/600#/invoices/46",
    );
    expect(zohoInvoiceUrl({ dataCenter: "custom", organizationId: "600" }, "46")).toBeNull();
    expect(zohoInvoiceUrl({ dataCenter: "com", organizationId: null }, "46")).toBeNull();
    expect(zohoInvoiceUrl({ dataCenter: "com", organizationId: "600" }, null)).toBeNull();
  });
});
