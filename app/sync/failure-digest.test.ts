import { describe, expect, it } from "vitest";
import { adminAppUrl, buildDigest, groupByReason, reasonLabel } from "~/sync/failure-digest";

const urls = {
  ordersUrl: adminAppUrl("acme.myshopify.com", "key1", "/app/orders?status=needs_attention"),
  settingsUrl: adminAppUrl("acme.myshopify.com", "key1", "/app/settings"),
};

describe("failure digest", () => {
  it("groups the orders by our own reason words, the largest group first", () => {
    const groups = groupByReason([
      { orderName: "#1001", code: "zoho_4003" },
      { orderName: "#1002", code: "unknown_tax_rate" },
      { orderName: "#1003", code: "unknown_tax_rate" },
      { orderName: "#1004", code: null },
    ]);
    expect(groups).toEqual([
      { reason: "Zoho Books has no tax with the order's tax rate", orderNames: ["#1002", "#1003"] },
      { reason: "The order could not be sent", orderNames: ["#1004"] },
      { reason: "Zoho Books refused the invoice (Zoho code 4003)", orderNames: ["#1001"] },
    ]);
    expect(reasonLabel("something_new")).toBe("The order could not be sent");
  });

  it("says how many, why, and links to the filtered Orders page and to Settings", () => {
    const mail = buildDigest({
      shop: "acme.myshopify.com",
      orders: [
        { orderName: "#1002", code: "unknown_tax_rate" },
        { orderName: "#1003", code: "unknown_tax_rate" },
        { orderName: "#1001", code: "invoice_reference_conflict" },
      ],
      ...urls,
    });
    expect(mail.subject).toBe("3 orders need your attention: Zoho Books invoices (acme)");
    expect(mail.text).toContain("3 paid orders of acme.myshopify.com could not be sent to Zoho Books and need you.");
    expect(mail.text).toContain("- Zoho Books has no tax with the order's tax rate (2 orders): #1002, #1003");
    expect(mail.text).toContain(
      "- Zoho Books already has a different invoice with the order's reference (1 order): #1001",
    );
    expect(mail.text).toContain(
      "Review them: https://admin.shopify.com/store/acme/apps/key1/app/orders?status=needs_attention",
    );
    expect(mail.text).toContain("https://admin.shopify.com/store/acme/apps/key1/app/settings");
    expect(mail.html).toContain(
      '<a href="https://admin.shopify.com/store/acme/apps/key1/app/orders?status=needs_attention">',
    );
    expect(mail.html).toContain("Zoho Books has no tax with the order&#39;s tax rate");
  });

  it("one order reads singular; a long group is cut with a count; names are escaped in HTML", () => {
    const one = buildDigest({ shop: "acme.myshopify.com", orders: [{ orderName: "#1<b>", code: null }], ...urls });
    expect(one.subject).toMatch(/^1 order needs your attention/);
    expect(one.text).toContain("1 paid order of acme.myshopify.com could not be sent to Zoho Books and needs you.");
    expect(one.html).toContain("#1&lt;b&gt;");
    const many = buildDigest({
      shop: "acme.myshopify.com",
      orders: Array.from({ length: 25 }, (_, i) => ({ orderName: `#${2000 + i}`, code: "zoho_4003" })),
      ...urls,
    });
    expect(many.text).toContain("(25 orders): #2000, #2001");
    expect(many.text).toContain("#2019 and 5 more");
    expect(many.text).not.toContain("#2020");
  });
});
