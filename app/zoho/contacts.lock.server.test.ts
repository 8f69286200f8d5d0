// One contact per customer even when several orders of a new customer are synced at once by different
// jobs while Zoho's list search lags behind writes (ADR 012, 014).
import { expect, it } from "vitest";
import { syncOrder } from "~/sync/sync-order.server";
import { buildOrder } from "~test/factories/order";
import { connectedShop } from "~test/harness/connected-shop";
import { zohoBooks } from "~test/harness/zoho-books";

const orderOf = (n: number) =>
  buildOrder({
    name: `#${n}`,
    id: String(n),
    currency: "EUR",
    taxesIncluded: true,
    processedAt: "2026-11-20T10:15:00+01:00",
    email: "same@example.com",
    customer: {
      id: "gid://shopify/Customer/9",
      firstName: "Sam",
      lastName: "Same",
      displayName: "Sam Same",
      defaultEmailAddress: { emailAddress: "same@example.com" },
      defaultPhoneNumber: null,
    },
    lines: [{ title: "Cup", quantity: 1, price: "10.00", taxes: [{ title: "IVA", percent: "22" }] }],
  });

it("three orders of one new customer synced at once, search lagging: one contact, three invoices on it", async () => {
  const { shop, org, addOrder } = await connectedShop();
  zohoBooks.setSearchLag(5_000);
  const ids = [7001, 7002, 7003].map((n) => addOrder(orderOf(n)));

  const outcomes = await Promise.all(ids.map((orderId) => syncOrder({ shop, orderId })));

  expect(outcomes.map((o) => o.kind)).toEqual(["created", "created", "created"]);
  expect([...org.contacts.values()].map((c) => c.contact_name)).toEqual(["Sam Same"]);
  const [contact] = [...org.contacts.keys()];
  expect([...org.invoices.values()].map((i) => i.input.customer_id)).toEqual([contact, contact, contact]);
  expect(zohoBooks.count("POST /contacts")).toBe(1);
});
