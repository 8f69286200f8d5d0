// Shopify transaction → Zoho customer payment (issue 12 item 4), and the gateway → mode/account rules.
import { describe, expect, it } from "vitest";
import { transactionPayload } from "~test/factories/transaction";
import { gatewayKey, parsePaymentAccounts, paymentRouteFor } from "../payment-settings";
import { isPayment, mapTransactionToPayment, parseTransactionPayload, type PaymentContext } from "./payment";

const ctx = (over: Partial<PaymentContext> = {}): PaymentContext => ({
  orderName: "#1001",
  invoice: { invoiceId: "inv1", customerId: "c1", date: "2026-11-20", balance: "39.80", currencyCode: "EUR" },
  route: { paymentMode: "creditcard", accountId: "acc9" },
  baseCurrency: "EUR",
  pricePrecision: 2,
  ...over,
});

describe("transaction → customer payment", () => {
  it("a sale becomes a payment of its amount, applied to the invoice, referenced by order and transaction", () => {
    const tx = parseTransactionPayload(transactionPayload({ id: "77", orderId: "5001", amount: "39.80" }));
    expect(isPayment(tx)).toBe(true);
    expect(mapTransactionToPayment(tx, ctx())).toEqual({
      payload: {
        customer_id: "c1",
        payment_mode: "creditcard",
        amount: 39.8,
        date: "2026-11-20",
        reference_number: "#1001-P77",
        description: "Shopify shopify_payments payment of #1001",
        account_id: "acc9",
        invoices: [{ invoice_id: "inv1", amount_applied: 39.8 }],
      },
      amount: "39.80",
      applied: "39.80",
      currency: "EUR",
    });
  });

  it("more than the invoice's balance: the balance is applied, the rest stays the customer's credit", () => {
    const tx = parseTransactionPayload(transactionPayload({ orderId: "5001", amount: "50.00" }));
    const mapped = mapTransactionToPayment(tx, ctx({ route: { paymentMode: "cash", accountId: null } }));
    expect(mapped.payload.invoices).toEqual([{ invoice_id: "inv1", amount_applied: 39.8 }]);
    expect(mapped.payload).not.toHaveProperty("account_id");
    expect(mapped).toMatchObject({ amount: "50.00", applied: "39.80" });
  });

  it("JPY and KWD keep their decimals", () => {
    const jpy = parseTransactionPayload(transactionPayload({ orderId: "1", amount: "9685", currency: "JPY" }));
    expect(
      mapTransactionToPayment(
        jpy,
        ctx({
          baseCurrency: "JPY",
          pricePrecision: 0,
          invoice: { invoiceId: "i", customerId: "c", date: "2026-11-20", balance: "9685", currencyCode: "JPY" },
        }),
      ),
    ).toMatchObject({ amount: "9685", payload: { amount: 9685 } });
    const kwd = parseTransactionPayload(transactionPayload({ orderId: "1", amount: "46.893", currency: "KWD" }));
    expect(
      mapTransactionToPayment(
        kwd,
        ctx({
          baseCurrency: "KWD",
          pricePrecision: 3,
          invoice: { invoiceId: "i", customerId: "c", date: "2026-11-20", balance: "46.893", currencyCode: "KWD" },
        }),
      ),
    ).toMatchObject({ amount: "46.893", payload: { amount: 46.893 } });
  });

  it.each([
    ["authorization", "success"],
    ["sale", "failure"],
    ["void", "success"],
    ["refund", "success"],
  ] as const)("a %s with status %s is not a payment", (kind, status) => {
    expect(isPayment(parseTransactionPayload(transactionPayload({ orderId: "1", amount: "5.00", kind, status })))).toBe(
      false,
    );
  });

  it("a payment Shopify gave in no currency of the invoice is refused with a reason", () => {
    const tx = parseTransactionPayload(transactionPayload({ orderId: "1", amount: "5.00", currency: "USD" }));
    expect(() => mapTransactionToPayment(tx, ctx())).toThrow(
      expect.objectContaining({ code: "currency_mismatch", message: expect.stringMatching(/in EUR.*only in USD/) }),
    );
  });

  describe("an order paid in the customer's currency (ADR 020): the payment is in its invoice's", () => {
    // A EUR shop; the customer paid CHF 51.45, EUR 47.46 in the shop's money.
    const chfSale = () =>
      parseTransactionPayload(
        transactionPayload({
          id: "91",
          orderId: "5001",
          amount: "47.46",
          currency: "EUR",
          presentment: { amount: "51.45", currency: "CHF" },
        }),
      );
    const chfInvoice = { invoiceId: "inv7", customerId: "c7", date: "2026-11-20", balance: "51.45" };

    it("an invoice in CHF gets a CHF payment of what the customer paid, at the invoice's rate", () => {
      const tx = chfSale();
      expect(tx).toMatchObject({ amount: "47.46", currency: "EUR", presentment: { amount: "51.45", currency: "CHF" } });
      const mapped = mapTransactionToPayment(
        tx,
        ctx({ invoice: { ...chfInvoice, currencyCode: "CHF", exchangeRate: "0.922449" } }),
      );
      expect(mapped).toMatchObject({ amount: "51.45", applied: "51.45", currency: "CHF" });
      expect(mapped.payload).toMatchObject({
        amount: 51.45,
        exchange_rate: 0.922449,
        invoices: [{ invoice_id: "inv7", amount_applied: 51.45 }],
      });
    });

    it("an invoice in the shop's EUR (customer's currency not enabled) gets the shop money, no rate", () => {
      const mapped = mapTransactionToPayment(
        chfSale(),
        ctx({ invoice: { ...chfInvoice, balance: "47.46", currencyCode: "EUR" } }),
      );
      expect(mapped).toMatchObject({ amount: "47.46", currency: "EUR" });
      expect(mapped.payload).not.toHaveProperty("exchange_rate");
    });

    it("without the presentment bag, or without the invoice's rate: a reason, never a wrong-currency payment", () => {
      const shopOnly = parseTransactionPayload(transactionPayload({ orderId: "5001", amount: "47.46" }));
      expect(() =>
        mapTransactionToPayment(
          shopOnly,
          ctx({ invoice: { ...chfInvoice, currencyCode: "CHF", exchangeRate: "0.92" } }),
        ),
      ).toThrow(expect.objectContaining({ code: "currency_mismatch" }));
      expect(() =>
        mapTransactionToPayment(chfSale(), ctx({ invoice: { ...chfInvoice, currencyCode: "CHF" } })),
      ).toThrow(expect.objectContaining({ code: "exchange_rate_missing" }));
    });
  });
});

describe("gateways", () => {
  it.each([
    ["shopify_payments", "shopify_payments"],
    ["PayPal Express Checkout", "paypal"],
    ["gift_card", "gift_card"],
    ["Cash on Delivery (COD)", "cash_on_delivery"],
    ["manual", "manual"],
    ["stripe", "other"],
  ])("%s → %s", (gateway, key) => expect(gatewayKey(gateway)).toBe(key));

  it("a mapped gateway uses its mode and account, others their default mode and Zoho's default account", () => {
    const accounts = parsePaymentAccounts({
      paypal: { paymentMode: "banktransfer", accountId: "42" },
      manual: { paymentMode: "teleport", accountId: "1" },
    });
    expect(paymentRouteFor("PayPal", accounts)).toEqual({
      gateway: "paypal",
      paymentMode: "banktransfer",
      accountId: "42",
    });
    expect(paymentRouteFor("manual", accounts)).toEqual({
      gateway: "manual",
      paymentMode: "banktransfer",
      accountId: null,
    });
    expect(paymentRouteFor("shopify_payments", accounts)).toEqual({
      gateway: "shopify_payments",
      paymentMode: "creditcard",
      accountId: null,
    });
  });
});
