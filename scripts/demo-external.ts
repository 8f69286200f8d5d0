// `npm run demo -- --zoho-url URL` (design §8, ADR 012): what the demo needs to run against a Zoho
// server it does not control — the command line, a corpus built for whatever organization that server
// has, and reading the invoices back through Zoho's own API instead of a simulator's memory.
//
// The fixture corpus (test/fixtures) needs eight tax tables and currencies a real organization will not
// have, so against an external server the demo builds its orders for the picked organization: its
// currency, its own tax rates (up to two), every feature of the mapping (discounts of each kind, free
// shipping, inclusive tax, tips, gift cards, a repeat customer, a customer without email), plus one
// order whose tax rate the organization lacks (expected: refused with a reason, nothing created).
// Order names carry a run tag, so runs against the same server never see each other's invoices.
import Decimal from "decimal.js";
import type { OrderFixture } from "~test/factories/order-fixtures";
import { buildMultiCurrencyOrder } from "~test/factories/multi-currency-order";
import { buildOrder, type LineSpec, type OrderSpec, type TaxSpec } from "~test/factories/order";
import type { PaidOrder } from "../app/sync/mapping";
import type { ZohoClient } from "../app/zoho/client.server";

export interface ExternalZoho {
  /** Books base URL, ending in /books/v3 (ZOHO_API_URL). */
  apiUrl: string;
  /** Zoho Accounts server (ZOHO_ACCOUNTS_URL). */
  accountsUrl: string;
  /** The organization to use; default: the first one Zoho lists. */
  organizationId?: string;
}

export const DEMO_USAGE = `usage: npm run demo [-- --zoho-url URL [--zoho-accounts-url URL] [--zoho-organization-id ID]]

  (no options)               the whole demo against the built-in simulators
  --zoho-url URL             a Zoho-compatible server instead: the Books API base (…/books/v3) or the
                             server's root (then /books/v3 is added); Zoho traffic is not simulated
  --zoho-accounts-url URL    its OAuth server (default: the origin of --zoho-url)
  --zoho-organization-id ID  which organization to send invoices to (default: the first one listed)

Against an external server ZOHO_CLIENT_ID / ZOHO_CLIENT_SECRET come from the environment when set.`;

/** Parses the demo's options; `null` = the built-in simulators. Throws with the usage on bad input. */
export function parseDemoArgs(argv: string[]): ExternalZoho | null {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") throw new Error(DEMO_USAGE);
    const eq = arg.indexOf("=");
    const [name, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (!["--zoho-url", "--zoho-accounts-url", "--zoho-organization-id"].includes(name))
      throw new Error(`unknown option ${arg}\n\n${DEMO_USAGE}`);
    const value = inline ?? argv[++i];
    if (!value || value.startsWith("--")) throw new Error(`${name} needs a value\n\n${DEMO_USAGE}`);
    values.set(name, value);
  }
  const zohoUrl = values.get("--zoho-url");
  if (!zohoUrl) {
    if (values.size) throw new Error(`--zoho-accounts-url and --zoho-organization-id need --zoho-url\n\n${DEMO_USAGE}`);
    return null;
  }
  const books = httpUrl(zohoUrl, "--zoho-url");
  const base = books.href.replace(/\/+$/, "");
  const apiUrl = /\/books\/v3$/.test(base) ? base : `${base}/books/v3`;
  const accounts = values.has("--zoho-accounts-url")
    ? httpUrl(values.get("--zoho-accounts-url")!, "--zoho-accounts-url")
    : new URL(books.origin);
  const organizationId = values.get("--zoho-organization-id");
  return { apiUrl, accountsUrl: accounts.href.replace(/\/+$/, ""), ...(organizationId ? { organizationId } : {}) };
}

function httpUrl(value: string, option: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${option}: not a URL: ${value}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`${option}: must be an http(s) URL, got ${value}`);
  return url;
}

// ---- the corpus for an organization the demo did not choose ---------------------------------------

export interface OrganizationFacts {
  currencyCode: string;
  /** The organization's single taxes (not groups), as Zoho lists them. */
  taxes: Array<{ tax_name: string; tax_percentage: number; tax_type?: string }>;
  /** Another currency the organization has enabled: one order is paid in it (ADR 020). */
  secondCurrency?: string;
}

export interface ExternalOrder {
  /** Row label in the table, like a fixture file name. */
  file: string;
  fixture: Pick<OrderFixture, "order" | "expect"> & { settings?: Pick<OrderFixture["settings"], "currency"> };
}

/**
 * The orders of one run. `runTag` makes names, ids and e-mail addresses unique per run; amounts are
 * given in major units for a 2-decimal currency and scaled to the organization's currency.
 */
export function externalCorpus(org: OrganizationFacts, runTag: string, now = new Date()): ExternalOrder[] {
  const currency = org.currencyCode;
  const rates = [
    ...new Set(
      org.taxes.filter((t) => (t.tax_type ?? "tax") === "tax" && t.tax_percentage > 0).map((t) => t.tax_percentage),
    ),
  ].sort((a, b) => b - a);
  const nameOf = (pct: number) => org.taxes.find((t) => t.tax_percentage === pct)!.tax_name;
  const taxOf = (pct: number | undefined): Pick<LineSpec, "taxes" | "taxable"> =>
    pct === undefined ? { taxable: false } : { taxes: [{ title: nameOf(pct), percent: String(pct) }] };
  const [t0, t1 = t0] = rates;
  const lacking = [13.37, 17.77, 6.66].find((r) => !rates.includes(r))!;

  // A 0-decimal currency (JPY) gets amounts ×100, so "19.90" becomes 1990.
  const scale = new Decimal(10).pow(2 - Math.min(2, decimalsOf(currency)));
  const m = (major: string) => new Decimal(major).times(scale).toString();
  const idBase =
    Number(BigInt.asUintN(40, BigInt(`0x${runTag.replace(/[^0-9a-f]/gi, "").slice(0, 10) || "1"}`)) % 9_000_000_000n) +
    1_000_000_000;

  let n = 0;
  const people = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth"];
  const customer = (who: number, withEmail = true) => {
    const [first, last] = people[who % people.length]!.split(" ") as [string, string];
    const email = withEmail ? `demo+${runTag}-${who}@example.com` : null;
    return {
      email,
      customer: {
        id: `gid://shopify/Customer/${idBase + 500 + who}`,
        firstName: first,
        lastName: `${last} ${runTag}`,
        displayName: `${first} ${last} ${runTag}`,
        defaultEmailAddress: email ? { emailAddress: email } : null,
        defaultPhoneNumber: null,
      },
      billingAddress: {
        firstName: first,
        lastName: `${last} ${runTag}`,
        company: null,
        address1: `${10 + who} Demo Street`,
        address2: null,
        city: "Springfield",
        province: null,
        provinceCode: null,
        zip: "12345",
        country: "Italy",
        countryCodeV2: "IT" as const,
        phone: null,
      },
    } satisfies Partial<OrderSpec>;
  };

  const order = (
    label: string,
    spec: Omit<OrderSpec, "name" | "id" | "currency" | "processedAt" | "taxesIncluded"> & { taxesIncluded?: boolean },
    expectError?: "unknown_tax_rate",
  ): ExternalOrder => {
    n++;
    const built: PaidOrder = buildOrder({
      taxesIncluded: false,
      ...spec,
      name: `#ZB-${runTag}-${String(n).padStart(2, "0")}`,
      id: String(idBase + n),
      currency,
      processedAt: new Date(now.getTime() - (20 - n) * 60_000).toISOString(),
    });
    const expect: OrderFixture["expect"] = expectError
      ? { error: { code: expectError, message: `the organization has no ${lacking}% tax` } }
      : { total: built.totalPriceSet.shopMoney.amount };
    return { file: label, fixture: { order: built, expect } };
  };

  const shipping = (price: string, pct = t0) => [
    {
      title: "Standard shipping",
      price: m(price),
      ...(pct === undefined ? {} : { taxes: [{ title: nameOf(pct), percent: String(pct) }] as TaxSpec[] }),
    },
  ];

  const orders = [
    order("one line, new customer", {
      ...customer(0),
      lines: [{ title: "Espresso cups", quantity: 1, price: m("19.90"), ...taxOf(t0) }],
    }),
    order("three lines, two rates, shipping", {
      ...customer(1),
      lines: [
        { title: "Tea towel", quantity: 2, price: m("12.50"), ...taxOf(t0) },
        { title: "Cookbook", quantity: 1, price: m("8.00"), ...taxOf(t1) },
        { title: "Postcards", quantity: 5, price: m("3.33"), taxable: false },
      ],
      shipping: shipping("6.90"),
    }),
    order("repeat customer (found by email)", {
      ...customer(0),
      lines: [{ title: "Moka pot", quantity: 1, price: m("49.00"), ...taxOf(t1) }],
    }),
    order("line discount 10%", {
      ...customer(2),
      lines: [
        { title: "Linen apron", quantity: 2, price: m("24.00"), ...taxOf(t0) },
        { title: "Bread knife", quantity: 1, price: m("15.50"), ...taxOf(t1) },
      ],
      discounts: [{ kind: "code", label: "APRON10", value: { percent: "10" }, target: "lines", lines: [0] }],
      shipping: shipping("4.90"),
    }),
    order("order discount 5.00 across lines", {
      ...customer(3),
      lines: [
        { title: "Notebook", quantity: 3, price: m("7.99"), ...taxOf(t0) },
        { title: "Pencil set", quantity: 2, price: m("4.49"), ...taxOf(t1) },
        { title: "Eraser", quantity: 1, price: m("0.99"), ...taxOf(t0) },
      ],
      discounts: [{ kind: "code", label: "SAVE5", value: { amount: m("5.00") }, target: "order" }],
    }),
    order("free shipping", {
      ...customer(4),
      lines: [{ title: "Olive oil 1 l", quantity: 2, price: m("18.40"), ...taxOf(t1) }],
      shipping: shipping("7.50"),
      discounts: [{ kind: "automatic", label: "Free shipping over 30", value: { percent: "100" }, target: "shipping" }],
    }),
    order("prices include tax", {
      ...customer(5),
      taxesIncluded: true,
      lines: [
        { title: "Wine glass", quantity: 6, price: m("5.90"), ...taxOf(t0) },
        { title: "Corkscrew", quantity: 1, price: m("12.00"), ...taxOf(t1) },
      ],
      shipping: shipping("5.00"),
    }),
    order("customer without e-mail (found or created by name)", {
      ...customer(6, false),
      lines: [{ title: "Gift wrap", quantity: 1, price: m("3.50"), ...taxOf(t0) }],
    }),
    order("odd quantities, 15% off the order", {
      ...customer(1),
      lines: [
        { title: "Screws (box)", quantity: 7, price: m("3.33"), ...taxOf(t0) },
        { title: "Washers", quantity: 3, price: m("0.99"), ...taxOf(t0) },
        { title: "Wall plugs", quantity: 11, price: m("1.01"), ...taxOf(t1) },
      ],
      discounts: [{ kind: "code", label: "DIY15", value: { percent: "15" }, target: "order" }],
      shipping: shipping("3.95"),
    }),
    order("gift card and tip", {
      ...customer(2),
      lines: [
        { title: "Candle", quantity: 2, price: m("9.95"), ...taxOf(t0) },
        { title: "Gift card", quantity: 1, price: m("25.00"), giftCard: true, taxable: false },
      ],
      tip: m("3.00"),
    }),
    order("tax-exempt customer", {
      ...customer(3),
      taxExempt: true,
      lines: [{ title: "Desk lamp", quantity: 1, price: m("39.00"), taxable: false }],
    }),
    order(
      `tax rate the organization lacks (${lacking}%)`,
      {
        ...customer(4),
        lines: [
          {
            title: "Imported cheese",
            quantity: 1,
            price: m("11.00"),
            taxes: [{ title: "Special tax", percent: String(lacking) }],
          },
        ],
      },
      "unknown_tax_rate",
    ),
  ];
  if (org.secondCurrency) orders.push(paidInSecondCurrency(org.secondCurrency));
  return orders;

  /** A customer paying in the organization's second currency: invoiced in it, total to its minor unit. */
  function paidInSecondCurrency(code: string): ExternalOrder {
    n++;
    const built = buildMultiCurrencyOrder({
      taxesIncluded: false,
      ...customer(5),
      lines: [{ title: "Travel mug", quantity: 2, price: m("14.50"), ...taxOf(t0) }],
      shipping: shipping("9.90"),
      name: `#ZB-${runTag}-${String(n).padStart(2, "0")}`,
      id: String(idBase + n),
      currency,
      processedAt: new Date(now.getTime() - (20 - n) * 60_000).toISOString(),
      presentment: { currency: code, rate: "1.0843" },
    });
    return {
      file: `customer paid in ${code}`,
      fixture: {
        order: built,
        expect: { total: built.totalPriceSet.presentmentMoney.amount },
        settings: { currency: { bag: "presentment", currencyCode: code } },
      },
    };
  }
}

function decimalsOf(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

// ---- reading back what Zoho holds -----------------------------------------------------------------

export interface ZohoInvoiceFacts {
  /** Invoices carrying this order's reference number. */
  count: number;
  /** The recorded invoice as Zoho answers GET /invoices/{id}; null when there is none. */
  invoice: { invoice_id: string; invoice_number: string; reference_number?: string; total: string | number } | null;
}

/**
 * What Zoho holds for one order, through its API. List searches may lag behind writes: when the
 * recorded invoice is not listed yet the search is repeated for up to `settleMs`.
 */
export async function zohoInvoiceFacts(
  client: ZohoClient,
  reference: string,
  recordedId: string | null,
  settleMs = 30_000,
): Promise<ZohoInvoiceFacts> {
  const { findInvoicesByReference, getInvoice } = await import("../app/zoho/invoices.server");
  const deadline = Date.now() + settleMs;
  let listed = await findInvoicesByReference(client, reference);
  while (recordedId && !listed.some((i) => i.invoice_id === recordedId) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1_000));
    listed = await findInvoicesByReference(client, reference);
  }
  const invoice = recordedId ? await getInvoice(client, recordedId) : null;
  // The recorded invoice counts even if the search never caught up (it exists: GET by id found it).
  const ids = new Set(listed.map((i) => i.invoice_id));
  if (invoice) ids.add(String(invoice.invoice_id));
  return { count: ids.size, invoice: invoice ? { ...invoice, invoice_id: String(invoice.invoice_id) } : null };
}
