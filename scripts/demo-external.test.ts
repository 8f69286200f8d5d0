// The demo's --zoho-url options and the corpus it builds for an organization it did not choose.
import Decimal from "decimal.js";
import { describe, expect, it } from "vitest";
import { mapOrderToInvoice } from "~/sync/mapping";
import { DEMO_USAGE, externalCorpus, parseDemoArgs } from "./demo-external";

describe("parseDemoArgs", () => {
  it("no options: the built-in simulators", () => {
    expect(parseDemoArgs([])).toBeNull();
  });

  it("a server root gets /books/v3; its origin is the accounts server", () => {
    expect(parseDemoArgs(["--zoho-url", "http://127.0.0.1:8790/"])).toEqual({
      apiUrl: "http://127.0.0.1:8790/books/v3",
      accountsUrl: "http://127.0.0.1:8790",
    });
  });

  it("a Books base URL is used as it is, with a separate accounts server and an organization", () => {
    expect(
      parseDemoArgs([
        "--zoho-url=https://www.zohoapis.eu/books/v3",
        "--zoho-accounts-url",
        "https://accounts.zoho.eu",
        "--zoho-organization-id",
        "20099999",
      ]),
    ).toEqual({
      apiUrl: "https://www.zohoapis.eu/books/v3",
      accountsUrl: "https://accounts.zoho.eu",
      organizationId: "20099999",
    });
  });

  it.each([
    [["--zoho-url"], "needs a value"],
    [["--zoho-url", "ftp://x"], "must be an http(s) URL"],
    [["--zoho-url", "not a url"], "not a URL"],
    [["--zoho-accounts-url", "http://a"], "need --zoho-url"],
    [["--zohourl", "http://a"], "unknown option"],
  ])("refuses %j with a reason and the usage", (argv, reason) => {
    expect(() => parseDemoArgs(argv)).toThrow(reason);
  });

  it("--help is the usage", () => {
    expect(() => parseDemoArgs(["--help"])).toThrow(DEMO_USAGE);
  });
});

describe("externalCorpus", () => {
  const eu = {
    currencyCode: "EUR",
    taxes: [22, 10, 4].map((p) => ({ tax_name: `IVA ${p}`, tax_percentage: p, tax_type: "tax" })),
  };

  it("unique names per run, and every order but the last one invoiceable with the organization's own taxes", () => {
    const orders = externalCorpus(eu, "run1");
    expect(orders).toHaveLength(12);
    expect(new Set(orders.map((o) => o.fixture.order.name)).size).toBe(12);
    expect(orders.every((o) => o.fixture.order.name.startsWith("#ZB-run1-"))).toBe(true);
    expect(externalCorpus(eu, "run2").map((o) => o.fixture.order.name)).not.toContain(orders[0]!.fixture.order.name);

    const taxes = eu.taxes.map((t, i) => ({
      ...t,
      tax_id: String(i + 1),
      is_default_tax: i === 0,
      tax_type: "tax" as const,
    }));
    for (const { fixture, file } of orders) {
      const settings = { organizationCurrency: "EUR", pricePrecision: 2 };
      if (fixture.expect.error) {
        expect(() => mapOrderToInvoice(fixture.order, taxes, settings), file).toThrow(
          expect.objectContaining({ code: "unknown_tax_rate" }),
        );
      } else {
        const mapped = mapOrderToInvoice(fixture.order, taxes, settings);
        expect(mapped.expectedTotal, file).toBe(fixture.expect.total);
      }
    }
  });

  it("an organization without taxes gets untaxed orders (and the one it cannot invoice)", () => {
    const orders = externalCorpus({ currencyCode: "USD", taxes: [] }, "notax");
    const taxed = orders.filter((o) => o.fixture.order.lineItems.nodes.some((l) => l.taxLines.length > 0));
    expect(taxed.map((o) => o.file)).toEqual([expect.stringContaining("lacks")]);
  });

  it("a 0-decimal currency gets whole amounts", () => {
    const orders = externalCorpus(
      { currencyCode: "JPY", taxes: [{ tax_name: "消費税 10%", tax_percentage: 10, tax_type: "tax" }] },
      "jp",
    );
    for (const o of orders)
      expect(new Decimal(o.fixture.order.totalPriceSet.shopMoney.amount).isInteger(), o.file).toBe(true);
  });
});
