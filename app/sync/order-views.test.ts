import { describe, expect, it } from "vitest";
import { currencyNote } from "./order-views";

describe("currencyNote (ADR 020)", () => {
  it("is null when the customer paid, the invoice and the organization share one currency", () => {
    expect(currencyNote({ currencyCode: "EUR", exchangeRate: "1", baseCurrencyCode: "EUR" })).toBeNull();
    expect(currencyNote({ currencyCode: "EUR" })).toBeNull();
  });

  it("names what the customer paid when it is not what was booked", () => {
    expect(
      currencyNote({ currencyCode: "EUR", paidCurrencyCode: "JPY", paidTotal: "9685.0000", baseCurrencyCode: "EUR" }),
    ).toBe("Customer paid 9685 JPY");
  });

  it("names the exchange rate of an invoice in another currency than the organization's", () => {
    expect(currencyNote({ currencyCode: "USD", exchangeRate: "0.9251000000", baseCurrencyCode: "EUR" })).toBe(
      "1 USD = 0.9251 EUR",
    );
    expect(
      currencyNote({
        currencyCode: "USD",
        paidCurrencyCode: "KWD",
        paidTotal: "16.725",
        exchangeRate: "0.94",
        baseCurrencyCode: "EUR",
      }),
    ).toBe("Customer paid 16.725 KWD · 1 USD = 0.94 EUR");
  });
});
