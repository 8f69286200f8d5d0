// The order most sync tests send: an Italian shop, VAT included, two rates, shipping and a 10 % code.
import { buildOrder, type OrderSpec } from "~test/factories/order";

export const italianOrder = (overrides: Partial<OrderSpec> = {}) =>
  buildOrder({
    name: "#1001",
    id: "5001",
    currency: "EUR",
    taxesIncluded: true,
    processedAt: "2026-11-20T10:15:00+01:00",
    email: "giulia@example.com",
    customer: {
      id: "gid://shopify/Customer/77",
      firstName: "Giulia",
      lastName: "Rossi",
      displayName: "Giulia Rossi",
      defaultEmailAddress: { emailAddress: "giulia@example.com" },
      defaultPhoneNumber: null,
    },
    billingAddress: {
      firstName: "Giulia",
      lastName: "Rossi",
      company: null,
      address1: "Via Roma 1",
      address2: null,
      city: "Milano",
      province: "Milano",
      provinceCode: "MI",
      zip: "20121",
      country: "Italy",
      countryCodeV2: "IT",
      phone: null,
    },
    lines: [
      { title: "Espresso cups", quantity: 2, price: "19.90", taxes: [{ title: "IVA", percent: "22" }] },
      { title: "Cookbook", quantity: 1, price: "24.00", taxes: [{ title: "IVA", percent: "4" }] },
    ],
    shipping: [{ title: "Standard", price: "6.90", taxes: [{ title: "IVA", percent: "22" }] }],
    discounts: [{ kind: "code", label: "WELCOME10", value: { percent: "10" }, target: "order" }],
    ...overrides,
  });
