// The whole fixture corpus (test/fixtures/orders) through the real sync against the Books simulator, under
// each of its switches for what real Zoho may do differently (docs/zoho-simulator.md): every invoice must
// come out in the order's currency and to the cent, whatever the organization's rules.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { Decimal } from "~/sync/money";
import { syncOrder } from "~/sync/sync-order.server";
import { loadCorpus, seedGroupOrganization } from "~test/factories/corpus";
import { connectedShop } from "~test/harness/connected-shop";
import * as books from "~test/harness/zoho-books";
import { STRICT_ORG_SETTINGS, zohoBooks, type SimOrganization, type SimOrgSettings } from "~test/harness/zoho-books";

interface Mode {
  settings: Partial<SimOrgSettings>;
  /** Before the orders: e.g. contacts Zoho already holds. */
  seed?: (org: SimOrganization, group: ReturnType<typeof loadCorpus>[number]) => void;
}

const MODES: Record<string, Mode> = {
  default: { settings: {} },
  "tax rounded per invoice": { settings: { taxRounding: "invoice" } },
  "GET /items ignores the sku filter": { settings: { itemSkuFilter: false } },
  "lines must carry an item_id": { settings: { itemRequired: true } },
  "negative line rates are refused (e-invoicing)": { settings: { negativeRatesRefused: true } },
  "rules are the strictest (zoho-server --strict)": { settings: STRICT_ORG_SETTINGS },
  "customers already have a contact in another currency": {
    settings: {},
    // Every corpus customer with an email has a contact in a currency other than the shop's.
    seed: (org, group) => {
      const orgId = org.organization.organization_id;
      const emails = new Set(
        group.fixtures.map((f) => f.fixture.order.email?.trim().toLowerCase()).filter((e): e is string => Boolean(e)),
      );
      for (const email of emails) {
        zohoBooks.seedContact(orgId, {
          contact_name: `${email} (foreign)`,
          email,
          // Not a currency any corpus customer paid in: enabling it must not change an invoice's currency.
          currency_code: group.currency === "CHF" ? "SEK" : "CHF",
        });
      }
    },
  },
};

const corpus = loadCorpus().map((group) => ({
  ...group,
  fixtures: group.fixtures.filter((f) => !f.fixture.expect.error),
}));

describe.each(Object.entries(MODES))("the fixture corpus against a Zoho whose %s", (_name, mode) => {
  it.each(corpus.filter((g) => g.fixtures.length).map((g) => [g.key, g] as const))(
    "%s: every order becomes one draft invoice in the order's currency, to the cent",
    async (_key, group) => {
      const org = seedGroupOrganization(books, group, mode.settings);
      mode.seed?.(org, group);
      const { shop, addOrder } = await connectedShop({ organization: org });
      for (const { file, fixture } of group.fixtures) {
        // A test order (the reference order #1029) is never invoiced; its books are what is checked here.
        const orderId = addOrder({ ...fixture.order, test: false });
        const outcome = await syncOrder({ shop, orderId });
        const row = await prisma.orderSync.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId } } });
        expect({ file, status: row.status, error: row.lastErrorMessage }).toEqual({
          file,
          status: "synced",
          error: null,
        });
        if (outcome.kind !== "created") throw new Error(`${file}: ${outcome.kind}`);
        const invoice = zohoBooks.invoice(org.organization.organization_id, outcome.invoiceId);
        // Zoho writes the total in the organization's precision ("32.550" for 32.55 at 3 decimals).
        expect({ file, total: new Decimal(invoice.total).toFixed(), currency: invoice.currency_code }).toEqual({
          file,
          total: new Decimal(fixture.expect.total!).toFixed(),
          // In the customer's currency when Zoho has it enabled (ADR 020), else the shop's.
          currency: fixture.settings.currency?.currencyCode ?? group.currency,
        });
        if (org.settings.itemRequired) expect(invoice.line_items.every((l) => l.item_id)).toBe(true);
        if (org.settings.negativeRatesRefused) expect(invoice.line_items.every((l) => l.rate >= 0)).toBe(true);
      }
      expect(org.invoices.size).toBe(group.fixtures.length);
    },
    60_000,
  );
});

it("the strict combination turns on every switch", () => {
  expect(STRICT_ORG_SETTINGS).toMatchObject({
    taxRounding: "invoice",
    itemRequired: true,
    negativeRatesRefused: true,
    itemSkuFilter: false,
  });
});
