// The invoice currency and its exchange rate, decided purely (ADR 020).
import { describe, expect, it } from "vitest";
import { MappingError } from "./errors";
import { chooseExchangeRate, chooseInvoiceCurrency, impliedRate, type EnabledCurrency } from "./invoice-currency";

const EUR: EnabledCurrency = { currencyId: "1", currencyCode: "EUR", pricePrecision: 2, isBase: true };
const USD: EnabledCurrency = { currencyId: "2", currencyCode: "USD", pricePrecision: 2, isBase: false };

function refusal(fn: () => unknown): MappingError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MappingError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("chooseInvoiceCurrency", () => {
  it("invoices in the customer's currency when the setting asks and Zoho has it enabled", () => {
    expect(chooseInvoiceCurrency("customer", { shop: "EUR", presentment: "USD" }, [EUR, USD])).toEqual({
      bag: "presentment",
      currency: USD,
      fallbackReason: null,
    });
  });

  it("falls back to the shop's currency, saying why, when the customer's is not enabled", () => {
    const choice = chooseInvoiceCurrency("customer", { shop: "EUR", presentment: "JPY" }, [EUR, USD]);
    expect(choice).toMatchObject({ bag: "shop", currency: EUR });
    expect(choice.fallbackReason).toContain("JPY, which is not enabled in Zoho Books");
  });

  it("the shop's currency when the setting says so, or when the customer paid in it", () => {
    expect(chooseInvoiceCurrency("shop", { shop: "EUR", presentment: "USD" }, [EUR, USD])).toEqual({
      bag: "shop",
      currency: EUR,
      fallbackReason: null,
    });
    expect(chooseInvoiceCurrency("customer", { shop: "USD", presentment: "USD" }, [EUR, USD]).bag).toBe("shop");
  });

  it("refuses a shop currency the organization has not enabled, naming it", () => {
    const err = refusal(() => chooseInvoiceCurrency("shop", { shop: "GBP", presentment: "GBP" }, [EUR, USD]));
    expect(err.code).toBe("currency_not_enabled");
    expect(err.message).toContain("enable GBP in Zoho Books › Settings › Currencies");
  });
});

describe("chooseExchangeRate", () => {
  const base = {
    date: "2026-10-02",
    shopTotal: { amount: "100.00", currencyCode: "EUR" },
    presentmentTotal: { amount: "108.43", currencyCode: "USD" },
  };

  it("is 1 in the base currency, whatever Zoho or the order say", () => {
    expect(chooseExchangeRate({ ...base, invoiceCurrency: "EUR", baseCurrency: "EUR", zohoRate: "7" })).toEqual({
      rate: "1",
      source: "base",
    });
  });

  it("prefers Zoho's own rate for the date", () => {
    expect(chooseExchangeRate({ ...base, invoiceCurrency: "USD", baseCurrency: "EUR", zohoRate: "0.9213" })).toEqual({
      rate: "0.9213",
      source: "zoho",
    });
  });

  it("else the rate the order's two totals imply when one of them is the base currency (6 decimals, half-up)", () => {
    // USD invoice, EUR base: 100.00 / 108.43 = 0.92225398…
    expect(chooseExchangeRate({ ...base, invoiceCurrency: "USD", baseCurrency: "EUR", zohoRate: null })).toEqual({
      rate: "0.922254",
      source: "order",
    });
    // A shop in USD whose organization is in EUR, the customer paying in EUR: EUR per USD again.
    const usdShop = {
      ...base,
      shopTotal: { amount: "108.43", currencyCode: "USD" },
      presentmentTotal: { amount: "100.00", currencyCode: "EUR" },
    };
    expect(chooseExchangeRate({ ...usdShop, invoiceCurrency: "USD", baseCurrency: "EUR", zohoRate: null }).rate).toBe(
      "0.922254",
    );
  });

  it("refuses, naming the rate to add, when neither Zoho nor the order has one", () => {
    const err = refusal(() =>
      chooseExchangeRate({
        ...base,
        shopTotal: { amount: "100.00", currencyCode: "GBP" },
        presentmentTotal: { amount: "100.00", currencyCode: "GBP" },
        invoiceCurrency: "GBP",
        baseCurrency: "EUR",
        zohoRate: null,
      }),
    );
    expect(err.code).toBe("exchange_rate_missing");
    expect(err.message).toContain("no exchange rate from GBP to EUR for 2026-10-02");
    expect(err.message).toContain("add a GBP rate in Zoho Books › Settings › Currencies");
  });

  it("ignores a zero, negative or unreadable Zoho rate and a zero total", () => {
    expect(chooseExchangeRate({ ...base, invoiceCurrency: "USD", baseCurrency: "EUR", zohoRate: "0" }).source).toBe(
      "order",
    );
    expect(chooseExchangeRate({ ...base, invoiceCurrency: "USD", baseCurrency: "EUR", zohoRate: "n/a" }).source).toBe(
      "order",
    );
    expect(
      impliedRate("USD", "EUR", { amount: "0.00", currencyCode: "EUR" }, { amount: "0.00", currencyCode: "USD" }),
    ).toBeNull();
    expect(impliedRate("JPY", "EUR", base.shopTotal, base.presentmentTotal)).toBeNull();
  });
});
