// The order fixture corpus (test/fixtures/orders/*.json) and Zoho tax tables (test/fixtures/taxes/),
// generated from the specs below so Shopify's numbers stay consistent. Commit the JSON; regenerate
// with `npx tsx test/factories/order-fixtures.ts` after editing a spec (a test fails on drift).
// The three reference orders come from /work/shared/reference/shopify/fixtures (see their notes).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MappingErrorCode, MappingSettings, PaidOrder } from "~/sync/mapping";
import { invoicesCurrentState } from "~/sync/mapping/kept";
import type { ZohoTax, ZohoTaxGroup } from "~/zoho/types";
import { impliedRate } from "~/sync/invoice-currency";
import { currencyDecimals } from "~/sync/money";
import { buildMultiCurrencyOrder, type MultiCurrencySpec } from "./multi-currency-order";
import { buildOrder, type OrderSpec, type TaxSpec } from "./order";
import { REFERENCE_1001, REFERENCE_1006, REFERENCE_1029 } from "./reference-orders";

/** GET /settings/taxes body, plus GET /settings/taxgroups/{id} details of its groups. */
export interface TaxesFixture {
  code: 0;
  message: string;
  taxes: ZohoTax[];
  tax_groups: ZohoTaxGroup[];
}

export interface OrderFixture {
  description: string;
  order: PaidOrder;
  /** File name in test/fixtures/taxes/. */
  taxes: string;
  settings: MappingSettings;
  expect: {
    /** Shopify's currentTotalPriceSet (totalPriceSet once refunded) — what the Zoho invoice total must be. */
    total?: string;
    date?: string;
    /** Invoice lines: [name, Zoho tax name or null]. Hand-written, checked exactly. */
    lines?: Array<[string, string | null]>;
    notes?: string;
    error?: { code: MappingErrorCode; message: string };
  };
}

// ------------------------------------------------------------------------------ tax tables

let nextId = 460000000010000n;
const id = () => String((nextId += 17n));
const tax = (tax_name: string, tax_percentage: number, extra: Partial<ZohoTax> = {}): ZohoTax => ({
  tax_id: id(),
  tax_name,
  tax_percentage,
  tax_type: "tax",
  is_default_tax: false,
  is_editable: true,
  ...extra,
});
function table(taxes: ZohoTax[], groups: Array<[string, string[]]> = []): TaxesFixture {
  const byName = (n: string) => taxes.find((t) => t.tax_name === n)!;
  const tax_groups: ZohoTaxGroup[] = groups.map(([name, members]) => ({
    tax_group_id: id(),
    tax_group_name: name,
    tax_group_percentage: members.reduce((s, m) => s + byName(m).tax_percentage * 1000, 0) / 1000,
    taxes: members.map((m) => {
      const t = byName(m);
      return {
        tax_id: t.tax_id,
        tax_name: t.tax_name,
        tax_percentage: t.tax_percentage,
        tax_type: t.tax_type === "compound_tax" ? "compound_tax" : "tax",
      };
    }),
  }));
  const listed: ZohoTax[] = tax_groups.map((g) => ({
    tax_id: g.tax_group_id,
    tax_name: g.tax_group_name,
    tax_percentage: g.tax_group_percentage,
    tax_type: "tax_group",
    is_default_tax: false,
    is_editable: true,
  }));
  return { code: 0, message: "success", taxes: [...taxes, ...listed], tax_groups };
}

export const TAX_TABLES: Record<string, TaxesFixture> = {
  "it.json": table([tax("IVA 22", 22, { is_default_tax: true }), tax("IVA 10", 10), tax("IVA 4", 4)]),
  // Two 22% taxes: the one named like the Shopify title ("IVA") must win over the older, lower id.
  "it-duplicates.json": table([
    tax("VAT 22 (old)", 22),
    tax("Imposta 22", 22, { is_default_tax: true }),
    tax("IVA 22%", 22),
    tax("IVA 10%", 10),
  ]),
  "us-ny.json": table(
    [tax("New York State", 4), tax("New York City", 4.5), tax("Westchester County", 4), tax("MCTD", 0.375)],
    [
      ["NYC Sales Tax", ["New York State", "New York City", "MCTD"]],
      ["Westchester Sales Tax", ["New York State", "Westchester County", "MCTD"]],
    ],
  ),
  "us-ky.json": table([tax("KY State Tax", 6, { is_default_tax: true })]),
  "ca.json": table(
    [tax("GST", 5), tax("PST", 7), tax("QST", 9.975), tax("HST", 13)],
    [
      ["GST + PST", ["GST", "PST"]],
      ["GST + QST", ["GST", "QST"]],
    ],
  ),
  "au.json": table([tax("GST", 10, { is_default_tax: true })]),
  "jp.json": table([tax("消費税 10%", 10, { is_default_tax: true }), tax("軽減税率 8%", 8)]),
  "kw.json": table([tax("VAT 5%", 5, { is_default_tax: true })]),
};

// ------------------------------------------------------------------------------ people

const person = (first: string, last: string, email: string | null, n: number): PaidOrder["customer"] => ({
  id: `gid://shopify/Customer/${700000 + n}`,
  firstName: first,
  lastName: last,
  displayName: `${first} ${last}`,
  defaultEmailAddress: email ? { emailAddress: email } : null,
  defaultPhoneNumber: null,
});
const address = (
  first: string,
  last: string,
  company: string | null,
  city: string,
  country: string,
  countryCode: string,
  zip: string,
  province: string | null = null,
): NonNullable<PaidOrder["billingAddress"]> => ({
  firstName: first,
  lastName: last,
  company,
  address1: "Via Roma 1",
  address2: null,
  city,
  province,
  provinceCode: null,
  zip,
  country,
  countryCodeV2: countryCode as NonNullable<PaidOrder["billingAddress"]>["countryCodeV2"],
  phone: null,
});

const IVA22: TaxSpec[] = [{ title: "IVA", percent: "22" }];
const IVA10: TaxSpec[] = [{ title: "IVA", percent: "10" }];
const IVA4: TaxSpec[] = [{ title: "IVA", percent: "4" }];
const NYC: TaxSpec[] = [
  { title: "New York State Tax", percent: "4" },
  { title: "New York City Tax", percent: "4.5" },
  { title: "Metropolitan Commuter Transportation District", percent: "0.375" },
];
const WESTCHESTER: TaxSpec[] = [
  { title: "New York State Tax", percent: "4" },
  { title: "Westchester County Tax", percent: "4" },
  { title: "Metropolitan Commuter Transportation District", percent: "0.375" },
];
const BC: TaxSpec[] = [
  { title: "GST", percent: "5" },
  { title: "BC PST", percent: "7" },
];
const GST5: TaxSpec[] = [{ title: "GST", percent: "5" }];
const HST: TaxSpec[] = [{ title: "HST", percent: "13" }];

const IT = { currency: "EUR", taxesIncluded: true } as const;
const IT_SETTINGS: MappingSettings = { pricePrecision: 2, organizationCurrency: "EUR", timezone: "Europe/Rome" };
const US = { currency: "USD", taxesIncluded: false } as const;
const NY_SETTINGS: MappingSettings = { pricePrecision: 2, organizationCurrency: "USD", timezone: "America/New_York" };
const CA_SETTINGS: MappingSettings = { pricePrecision: 2, organizationCurrency: "CAD", timezone: "America/Toronto" };

const giulia = {
  customer: person("Giulia", "Bianchi", "giulia@example.it", 1),
  email: "giulia@example.it",
  billingAddress: address("Giulia", "Bianchi", null, "Bologna", "Italy", "IT", "40121"),
};
const sam = {
  customer: person("Sam", "Rivera", "sam@example.com", 2),
  email: "sam@example.com",
  billingAddress: address("Sam", "Rivera", null, "New York", "United States", "US", "10001", "New York"),
};

interface Entry {
  file: string;
  description: string;
  spec?: OrderSpec;
  order?: PaidOrder;
  taxes: string;
  settings: MappingSettings;
  expect?: OrderFixture["expect"];
}

const entries: Entry[] = [
  // ---------------------------------------------------------------- reference orders
  {
    file: "ref-1001-discount-code.json",
    description:
      "Shopify's classic sample order #1001 (reference discount-code fixture): 3 iPods, code TENOFF 10.00 spread " +
      "across the lines, Kentucky State Tax 6%. Re-computed so its numbers are consistent (the legacy sample's " +
      "subtotal/total did not add up and had no per-line tax lines).",
    order: REFERENCE_1001,
    taxes: "us-ky.json",
    settings: { pricePrecision: 2, organizationCurrency: "USD", timezone: "America/New_York" },
    expect: {
      date: "2008-01-10",
      lines: [
        ["IPod Nano - 8gb - green", "KY State Tax"],
        ["IPod Nano - 8gb - red", "KY State Tax"],
        ["IPod Nano - 8gb - black", "KY State Tax"],
        ["Discount TENOFF", "KY State Tax"],
        ["Shipping: Free Shipping", null],
      ],
    },
  },
  {
    file: "ref-1006-two-tax-lines.json",
    description:
      "Reference order #1006 (Québec): 5 × 35.00 CAD with GST 5% + QST 9.975% → the GST + QST group; guest, no addresses.",
    order: REFERENCE_1006,
    taxes: "ca.json",
    settings: CA_SETTINGS,
    expect: { date: "2022-09-28", lines: [["purplship sticker", "GST + QST"]] },
  },
  {
    file: "ref-1029-multi-currency-shipping.json",
    description:
      "Reference order #1029: AUD shop, customer paid in USD — the invoice uses shop money (AUD); GST 10%, untaxed shipping.",
    order: REFERENCE_1029,
    taxes: "au.json",
    settings: { pricePrecision: 2, organizationCurrency: "AUD", timezone: "Australia/Sydney" },
    expect: {
      date: "2020-12-27",
      lines: [
        ["Classic Fountain Pen - Fine / Bordeaux", "GST"],
        ["Shipping: Standard", null],
      ],
    },
  },
  // ---------------------------------------------------------------- tax regimes
  {
    file: "eu-vat-inclusive-mixed.json",
    description: "Italy, prices include VAT, lines at 22 %, 10 % and 4 % plus shipping at 22 %.",
    spec: {
      name: "#2001",
      ...IT,
      ...giulia,
      processedAt: "2026-03-14T09:12:44Z",
      lines: [
        { title: "Olio extravergine 1L", sku: "OLIO-1L", quantity: 3, price: "12.90", taxes: IVA10 },
        {
          title: "La cucina italiana",
          variant: "Copertina rigida",
          sku: "LIB-CUC",
          quantity: 1,
          price: "24.00",
          taxes: IVA4,
        },
        { title: "Grembiule", variant: "Rosso", sku: "GREM-R", quantity: 2, price: "19.99", taxes: IVA22 },
      ],
      shipping: [{ title: "Corriere espresso", price: "6.90", taxes: IVA22 }],
    },
    taxes: "it.json",
    settings: IT_SETTINGS,
    expect: {
      date: "2026-03-14",
      lines: [
        ["Olio extravergine 1L", "IVA 10"],
        ["La cucina italiana - Copertina rigida", "IVA 4"],
        ["Grembiule - Rosso", "IVA 22"],
        ["Shipping: Corriere espresso", "IVA 22"],
      ],
    },
  },
  {
    file: "eu-vat-inclusive-rounding.json",
    description:
      "Italy, VAT included, many cheap lines with odd quantities and a 7 % automatic discount: per-line rounding everywhere.",
    spec: {
      name: "#2002",
      ...IT,
      ...giulia,
      processedAt: "2026-03-15T18:40:00Z",
      lines: [
        { title: "Matita", quantity: 7, price: "0.99", taxes: IVA22 },
        { title: "Pane", quantity: 13, price: "1.15", taxes: IVA4 },
        { title: "Caffè 250g", quantity: 3, price: "2.49", taxes: IVA10 },
        { title: "Quaderno", quantity: 11, price: "1.37", taxes: IVA22 },
      ],
      discounts: [{ kind: "automatic", label: "Primavera 7%", value: { percent: "7" }, target: "order" }],
      shipping: [{ title: "Standard", price: "4.99", taxes: IVA22 }],
    },
    taxes: "it.json",
    settings: IT_SETTINGS,
  },
  {
    file: "us-ny-three-tax-lines.json",
    description:
      "New York City, exclusive tax: state 4 % + city 4.5 % + MCTD 0.375 % on every line and on shipping → one tax group.",
    spec: {
      name: "#3001",
      ...US,
      ...sam,
      processedAt: "2026-04-02T15:03:11Z",
      lines: [
        { title: "Canvas tote", sku: "TOTE-1", quantity: 3, price: "19.99", taxes: NYC },
        { title: "Desk lamp", variant: "Brass", sku: "LAMP-B", quantity: 1, price: "149.00", taxes: NYC },
      ],
      shipping: [{ title: "UPS Ground", price: "9.95", taxes: NYC }],
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
    expect: {
      date: "2026-04-02",
      lines: [
        ["Canvas tote", "NYC Sales Tax"],
        ["Desk lamp - Brass", "NYC Sales Tax"],
        ["Shipping: UPS Ground", "NYC Sales Tax"],
      ],
    },
  },
  {
    file: "us-westchester-group.json",
    description: "Westchester County (8.375 %): another three-line US rate that must pick the other tax group.",
    spec: {
      name: "#3002",
      ...US,
      ...sam,
      processedAt: "2026-04-03T12:00:00Z",
      lines: [{ title: "Garden hose", quantity: 2, price: "34.95", taxes: WESTCHESTER }],
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
    expect: { lines: [["Garden hose", "Westchester Sales Tax"]] },
  },
  {
    file: "ca-bc-gst-pst.json",
    description: "British Columbia: GST 5 % + PST 7 % → group GST + PST; shipping with GST only.",
    spec: {
      name: "#4001",
      currency: "CAD",
      taxesIncluded: false,
      processedAt: "2026-05-01T20:15:00Z",
      customer: person("Noah", "Tremblay", "noah@example.ca", 3),
      email: "noah@example.ca",
      lines: [
        { title: "Rain jacket", variant: "M", quantity: 1, price: "129.99", taxes: BC },
        { title: "Wool socks", quantity: 3, price: "14.49", taxes: BC },
      ],
      shipping: [{ title: "Canada Post", price: "12.00", taxes: GST5 }],
    },
    taxes: "ca.json",
    settings: CA_SETTINGS,
    expect: {
      lines: [
        ["Rain jacket - M", "GST + PST"],
        ["Wool socks", "GST + PST"],
        ["Shipping: Canada Post", "GST"],
      ],
    },
  },
  {
    file: "ca-on-hst.json",
    description: "Ontario: HST 13 % on items and shipping.",
    spec: {
      name: "#4002",
      currency: "CAD",
      taxesIncluded: false,
      processedAt: "2026-05-02T13:45:00Z",
      customer: person("Olivia", "Martin", "olivia@example.ca", 4),
      email: "olivia@example.ca",
      lines: [
        { title: "Maple syrup 500ml", quantity: 4, price: "11.95", taxes: HST },
        { title: "Pancake mix", quantity: 1, price: "6.49", taxes: HST },
      ],
      shipping: [{ title: "Purolator", price: "15.50", taxes: HST }],
    },
    taxes: "ca.json",
    settings: CA_SETTINGS,
    expect: {
      lines: [
        ["Maple syrup 500ml", "HST"],
        ["Pancake mix", "HST"],
        ["Shipping: Purolator", "HST"],
      ],
    },
  },
  // ---------------------------------------------------------------- discounts
  {
    file: "line-discount-code.json",
    description: "A discount code for 20 % off one line only (VAT included): one negative line with that line's 22 %.",
    spec: {
      name: "#2003",
      ...IT,
      ...giulia,
      processedAt: "2026-03-20T10:00:00Z",
      lines: [
        { title: "Grembiule", quantity: 2, price: "19.99", taxes: IVA22 },
        { title: "Pasta di Gragnano", quantity: 5, price: "3.20", taxes: IVA10 },
      ],
      discounts: [{ kind: "code", label: "GREMBIULE20", value: { percent: "20" }, target: "lines", lines: [0] }],
    },
    taxes: "it.json",
    settings: IT_SETTINGS,
    expect: {
      lines: [
        ["Grembiule", "IVA 22"],
        ["Pasta di Gragnano", "IVA 10"],
        ["Discount GREMBIULE20", "IVA 22"],
      ],
    },
  },
  {
    file: "order-percentage-discount-mixed-rates.json",
    description: "Code SUMMER10 (10 % off the order) over lines at 22/10/4 %: one negative line per rate.",
    spec: {
      name: "#2004",
      ...IT,
      ...giulia,
      processedAt: "2026-06-21T08:30:00Z",
      lines: [
        { title: "Grembiule", quantity: 1, price: "19.99", taxes: IVA22 },
        { title: "Olio extravergine 1L", quantity: 2, price: "12.90", taxes: IVA10 },
        { title: "La cucina italiana", quantity: 1, price: "24.00", taxes: IVA4 },
      ],
      discounts: [{ kind: "code", label: "SUMMER10", value: { percent: "10" }, target: "order" }],
      shipping: [{ title: "Standard", price: "4.99", taxes: IVA22 }],
    },
    taxes: "it.json",
    settings: IT_SETTINGS,
    expect: {
      lines: [
        ["Grembiule", "IVA 22"],
        ["Olio extravergine 1L", "IVA 10"],
        ["La cucina italiana", "IVA 4"],
        ["Discount SUMMER10 (22%)", "IVA 22"],
        ["Discount SUMMER10 (10%)", "IVA 10"],
        ["Discount SUMMER10 (4%)", "IVA 4"],
        ["Shipping: Standard", "IVA 22"],
      ],
    },
  },
  {
    file: "order-fixed-discount-mixed-rates.json",
    description: "Automatic €15 off the order spread across lines at 22 % and 10 % (remainder on the last line).",
    spec: {
      name: "#2005",
      ...IT,
      ...giulia,
      processedAt: "2026-06-22T08:30:00Z",
      lines: [
        { title: "Tovaglia di lino", quantity: 1, price: "49.90", taxes: IVA22 },
        { title: "Caffè 250g", quantity: 4, price: "6.70", taxes: IVA10 },
        { title: "Tazzine", quantity: 6, price: "4.15", taxes: IVA22 },
      ],
      discounts: [{ kind: "automatic", label: "Benvenuto €15", value: { amount: "15.00" }, target: "order" }],
    },
    taxes: "it.json",
    settings: IT_SETTINGS,
    expect: {
      lines: [
        ["Tovaglia di lino", "IVA 22"],
        ["Caffè 250g", "IVA 10"],
        ["Tazzine", "IVA 22"],
        ["Discount Benvenuto €15 (22%)", "IVA 22"],
        ["Discount Benvenuto €15 (10%)", "IVA 10"],
      ],
    },
  },
  {
    file: "order-fixed-discount-exclusive-mixed.json",
    description: "British Columbia, tax on top: $10 code across a GST + PST line and a GST-only line (groceries).",
    spec: {
      name: "#4003",
      currency: "CAD",
      taxesIncluded: false,
      processedAt: "2026-05-03T17:20:00Z",
      customer: person("Noah", "Tremblay", "noah@example.ca", 3),
      email: "noah@example.ca",
      lines: [
        { title: "Kitchen scale", quantity: 1, price: "39.99", taxes: BC },
        { title: "Organic oats 1kg", quantity: 3, price: "7.49", taxes: GST5 },
      ],
      discounts: [{ kind: "code", label: "SAVE10", value: { amount: "10.00" }, target: "order" }],
      shipping: [{ title: "Canada Post", price: "9.00", taxes: GST5 }],
    },
    taxes: "ca.json",
    settings: CA_SETTINGS,
    expect: {
      lines: [
        ["Kitchen scale", "GST + PST"],
        ["Organic oats 1kg", "GST"],
        ["Discount SAVE10 (12%)", "GST + PST"],
        ["Discount SAVE10 (5%)", "GST"],
        ["Shipping: Canada Post", "GST"],
      ],
    },
  },
  {
    file: "manual-discount.json",
    description: "A staff member's manual 5 % order discount on an NYC order (exclusive tax).",
    spec: {
      name: "#3003",
      ...US,
      ...sam,
      processedAt: "2026-04-05T16:00:00Z",
      lines: [
        { title: "Espresso machine", quantity: 1, price: "349.00", taxes: NYC },
        { title: "Milk jug", quantity: 2, price: "17.50", taxes: NYC },
      ],
      discounts: [
        {
          kind: "manual",
          label: "Loyal customer",
          description: "Thanks for coming back",
          value: { percent: "5" },
          target: "order",
        },
      ],
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
    expect: {
      lines: [
        ["Espresso machine", "NYC Sales Tax"],
        ["Milk jug", "NYC Sales Tax"],
        ["Discount Loyal customer", "NYC Sales Tax"],
      ],
    },
  },
  {
    file: "automatic-discount-each.json",
    description:
      "Automatic discount 3.00 off each unit of one line (quantity 4) plus a script discount on another line.",
    spec: {
      name: "#3004",
      ...US,
      ...sam,
      processedAt: "2026-04-06T11:11:11Z",
      lines: [
        { title: "Notebook", quantity: 4, price: "12.00", taxes: NYC },
        { title: "Fountain pen", quantity: 1, price: "65.00", taxes: NYC },
      ],
      discounts: [
        { kind: "automatic", label: "Buy more save more", value: { amount: "3.00" }, target: "lines", lines: [0] },
        { kind: "script", label: "VIP 15%", value: { percent: "15" }, target: "lines", lines: [1] },
      ],
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
    expect: {
      lines: [
        ["Notebook", "NYC Sales Tax"],
        ["Fountain pen", "NYC Sales Tax"],
        ["Discount Buy more save more", "NYC Sales Tax"],
        ["Discount VIP 15%", "NYC Sales Tax"],
      ],
    },
  },
  {
    file: "shipping-discount-code.json",
    description:
      "Code SHIP50: 50 % off taxed shipping — its own negative shipping-discount line with the shipping tax.",
    spec: {
      name: "#3005",
      ...US,
      ...sam,
      processedAt: "2026-04-07T09:00:00Z",
      lines: [{ title: "Cast iron pan", quantity: 1, price: "89.00", taxes: NYC }],
      shipping: [{ title: "FedEx 2Day", price: "24.99", taxes: NYC }],
      discounts: [{ kind: "code", label: "SHIP50", value: { percent: "50" }, target: "shipping" }],
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
    expect: {
      lines: [
        ["Cast iron pan", "NYC Sales Tax"],
        ["Shipping: FedEx 2Day", "NYC Sales Tax"],
        ["Shipping discount SHIP50", "NYC Sales Tax"],
      ],
    },
  },
  {
    file: "free-shipping-code.json",
    description:
      "Code FREESHIP: 100 % off shipping (VAT included) — shipping line and an equal negative line; totalShippingPriceSet is before the discount.",
    spec: {
      name: "#2006",
      ...IT,
      ...giulia,
      processedAt: "2026-03-21T10:00:00Z",
      lines: [{ title: "Moka 6 tazze", quantity: 1, price: "34.90", taxes: IVA22 }],
      shipping: [{ title: "Corriere", price: "7.90", taxes: IVA22 }],
      discounts: [{ kind: "code", label: "FREESHIP", value: { percent: "100" }, target: "shipping" }],
    },
    taxes: "it.json",
    settings: IT_SETTINGS,
    expect: {
      lines: [
        ["Moka 6 tazze", "IVA 22"],
        ["Shipping: Corriere", "IVA 22"],
        ["Shipping discount FREESHIP", "IVA 22"],
      ],
    },
  },
  {
    file: "line-100-percent-discount.json",
    description: "A free sample: one line discounted 100 % by a manual discount; its negative line nets it to zero.",
    spec: {
      name: "#2007",
      ...IT,
      ...giulia,
      processedAt: "2026-03-22T10:00:00Z",
      lines: [
        { title: "Parmigiano 24 mesi 500g", quantity: 1, price: "18.50", taxes: IVA4 },
        { title: "Assaggio aceto balsamico", quantity: 1, price: "5.00", taxes: IVA22 },
      ],
      discounts: [{ kind: "manual", label: "Omaggio", value: { percent: "100" }, target: "lines", lines: [1] }],
    },
    taxes: "it.json",
    settings: IT_SETTINGS,
    expect: {
      lines: [
        ["Parmigiano 24 mesi 500g", "IVA 4"],
        ["Assaggio aceto balsamico", "IVA 22"],
        ["Discount Omaggio", "IVA 22"],
      ],
    },
  },
  {
    file: "quantity-per-unit-rounding.json",
    description:
      "Quantities > 1 at awkward unit prices with 0.10 off each unit, tax on top (8.875 %): rounding per line.",
    spec: {
      name: "#3006",
      ...US,
      ...sam,
      processedAt: "2026-04-08T09:00:00Z",
      lines: [
        { title: "Sticker", quantity: 7, price: "3.33", taxes: NYC },
        { title: "Pencil", quantity: 12, price: "0.85", taxes: NYC },
        { title: "Eraser", quantity: 9, price: "1.11", taxes: NYC },
      ],
      discounts: [
        { kind: "automatic", label: "Bulk 10c", value: { amount: "0.10" }, target: "lines", lines: [0, 1, 2] },
      ],
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
  },
  {
    file: "combined-discounts.json",
    description:
      "Line-level automatic discount, an order-level code and a shipping code on the same order (VAT included).",
    spec: {
      name: "#2008",
      ...IT,
      ...giulia,
      processedAt: "2026-03-23T10:00:00Z",
      lines: [
        { title: "Grembiule", quantity: 3, price: "19.99", taxes: IVA22 },
        { title: "Olio extravergine 1L", quantity: 2, price: "12.90", taxes: IVA10 },
      ],
      discounts: [
        { kind: "automatic", label: "3x2 grembiuli", value: { amount: "6.66" }, target: "lines", lines: [0] },
        { kind: "code", label: "CIAO5", value: { amount: "5.00" }, target: "order" },
        { kind: "code", label: "SPEDIZIONE", value: { amount: "3.00" }, target: "shipping" },
      ],
      shipping: [{ title: "Standard", price: "6.90", taxes: IVA22 }],
    },
    taxes: "it.json",
    settings: IT_SETTINGS,
  },
  // ---------------------------------------------------------------- tips and gift cards
  {
    file: "tip-in-total-only.json",
    description: "A 5.00 tip only in totalTipReceivedSet: one untaxed Tip line.",
    spec: {
      name: "#3007",
      ...US,
      ...sam,
      processedAt: "2026-04-09T19:30:00Z",
      lines: [{ title: "Catering tray", quantity: 1, price: "80.00", taxes: NYC }],
      tip: "5.00",
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
    expect: {
      lines: [
        ["Catering tray", "NYC Sales Tax"],
        ["Tip", null],
      ],
    },
  },
  {
    file: "tip-as-line-item.json",
    description:
      "A checkout tip that is also a line item: invoiced once (as that line), not again from totalTipReceivedSet.",
    spec: {
      name: "#5001",
      currency: "AUD",
      taxesIncluded: true,
      processedAt: "2026-07-01T03:00:00Z",
      customer: person("Mia", "Nguyen", "mia@example.com.au", 5),
      email: "mia@example.com.au",
      lines: [
        { title: "Flat white beans 1kg", quantity: 1, price: "42.00", taxes: [{ title: "GST", percent: "10" }] },
        { title: "Tip", quantity: 1, price: "3.00", tip: true },
      ],
    },
    taxes: "au.json",
    settings: { pricePrecision: 2, organizationCurrency: "AUD", timezone: "Australia/Sydney" },
    expect: {
      lines: [
        ["Flat white beans 1kg", "GST"],
        ["Tip", null],
      ],
    },
  },
  {
    file: "gift-card-purchase.json",
    description: "Buying a €50 gift card (untaxed line) together with a product at 22 %.",
    spec: {
      name: "#2009",
      ...IT,
      ...giulia,
      processedAt: "2026-12-20T10:00:00Z",
      lines: [
        { title: "Carta regalo", variant: "€50", quantity: 1, price: "50.00", giftCard: true, taxable: false },
        { title: "Candela profumata", quantity: 2, price: "14.90", taxes: IVA22 },
      ],
    },
    taxes: "it.json",
    settings: IT_SETTINGS,
    expect: {
      lines: [
        ["Carta regalo - €50", null],
        ["Candela profumata", "IVA 22"],
      ],
    },
  },
  {
    file: "gift-card-payment.json",
    description:
      "Paid partly with a gift card (a payment, not a discount): no negative line, the invoice total stays the order total.",
    spec: {
      name: "#3008",
      ...US,
      ...sam,
      processedAt: "2026-04-10T10:00:00Z",
      note: "Paid 25.00 with gift card •••• 4821, rest by card",
      lines: [{ title: "Headphones", quantity: 1, price: "119.00", taxes: NYC }],
      shipping: [{ title: "UPS Ground", price: "0.00", taxes: NYC }],
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
    expect: {
      notes: "Paid 25.00 with gift card •••• 4821, rest by card",
      lines: [
        ["Headphones", "NYC Sales Tax"],
        ["Shipping: UPS Ground", "NYC Sales Tax"],
      ],
    },
  },
  // ---------------------------------------------------------------- customers
  {
    file: "tax-exempt-customer.json",
    description: "A tax-exempt business customer in NYC: no tax lines, no tax ids.",
    spec: {
      name: "#3009",
      ...US,
      taxExempt: true,
      processedAt: "2026-04-11T10:00:00Z",
      customer: person("Dana", "Lee", "ap@nonprofit.example.org", 6),
      email: "ap@nonprofit.example.org",
      billingAddress: address(
        "Dana",
        "Lee",
        "Hudson Food Bank Inc.",
        "New York",
        "United States",
        "US",
        "10027",
        "New York",
      ),
      lines: [{ title: "Pallet of canned beans", quantity: 2, price: "240.00", taxes: NYC }],
      shipping: [{ title: "Freight", price: "55.00", taxes: NYC }],
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
    expect: {
      lines: [
        ["Pallet of canned beans", null],
        ["Shipping: Freight", null],
      ],
    },
  },
  {
    file: "guest-without-email.json",
    description: "Guest checkout without email or customer record (POS cash sale).",
    spec: {
      name: "#3010",
      ...US,
      customer: null,
      email: null,
      processedAt: "2026-04-12T10:00:00Z",
      lines: [{ title: "Bagel dozen", quantity: 1, price: "14.00", taxes: NYC }],
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
  },
  {
    file: "customer-with-company.json",
    description: "A B2B buyer with a company on the billing address and a PO in the order note.",
    spec: {
      name: "#2010",
      ...IT,
      processedAt: "2026-03-24T10:00:00Z",
      customer: person("Marco", "Rossi", "acquisti@trattoria.example.it", 7),
      email: "acquisti@trattoria.example.it",
      billingAddress: address("Marco", "Rossi", "Trattoria da Marco S.r.l.", "Firenze", "Italy", "IT", "50122"),
      note: "PO 2026-118",
      lines: [{ title: "Olio extravergine 5L", quantity: 6, price: "54.00", taxes: IVA10 }],
      shipping: [{ title: "Corriere", price: "12.00", taxes: IVA22 }],
    },
    taxes: "it.json",
    settings: IT_SETTINGS,
    expect: { notes: "PO 2026-118" },
  },
  {
    file: "long-product-name.json",
    description: "A product name over 100 characters: name truncated with an ellipsis, full title in the description.",
    spec: {
      name: "#3011",
      ...US,
      ...sam,
      processedAt: "2026-04-13T10:00:00Z",
      lines: [
        {
          title:
            "Handcrafted Solid Walnut Standing Desk with Programmable Dual Motors, Cable Management Tray and Anti-Collision Sensors",
          variant: "72 x 30 in / Natural oil finish",
          sku: "DESK-WAL-7230",
          quantity: 1,
          price: "1299.00",
          taxes: NYC,
        },
      ],
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
  },
  {
    file: "unicode-names.json",
    description: "Unicode everywhere: accents, CJK, emoji and Arabic in titles, variants, customer and note.",
    spec: {
      name: "#2011",
      ...IT,
      processedAt: "2026-03-25T10:00:00Z",
      customer: person("Zoë", "Ørsted-Ñúñez", "zoe@example.eu", 8),
      email: "zoe@example.eu",
      note: "Grazie mille! 🙏 ありがとう",
      lines: [
        { title: "Crème brûlée kit ☕️", variant: "Édition spéciale", quantity: 1, price: "21.00", taxes: IVA22 },
        { title: "抹茶 (matcha) 100g", quantity: 2, price: "16.40", taxes: IVA10 },
        { title: "زيت الزيتون", variant: "🫒 1L", quantity: 1, price: "15.00", taxes: IVA10 },
      ],
    },
    taxes: "it.json",
    settings: IT_SETTINGS,
    expect: { notes: "Grazie mille! 🙏 ありがとう" },
  },
  // ---------------------------------------------------------------- currencies and precision
  {
    file: "jpy-zero-decimals.json",
    description: "JPY (0 decimals), consumption tax included: 10 % and reduced 8 %, a 5 % code, shipping at 10 %.",
    spec: {
      name: "#6001",
      currency: "JPY",
      taxesIncluded: true,
      processedAt: "2026-08-01T14:59:00Z",
      customer: person("Yuki", "Tanaka", "yuki@example.jp", 9),
      email: "yuki@example.jp",
      lines: [
        { title: "急須", quantity: 1, price: "4980", taxes: [{ title: "消費税", percent: "10" }] },
        { title: "煎茶 100g", quantity: 3, price: "1280", taxes: [{ title: "消費税", percent: "8" }] },
        { title: "和菓子セット", quantity: 2, price: "398", taxes: [{ title: "消費税", percent: "8" }] },
      ],
      discounts: [{ kind: "code", label: "NATSU5", value: { percent: "5" }, target: "order" }],
      shipping: [{ title: "ヤマト運輸", price: "550", taxes: [{ title: "消費税", percent: "10" }] }],
    },
    taxes: "jp.json",
    settings: { pricePrecision: 0, organizationCurrency: "JPY", timezone: "Asia/Tokyo" },
    expect: { date: "2026-08-01" },
  },
  {
    file: "kwd-three-decimals.json",
    description: "KWD (3 decimals), 5 % VAT on top, price precision 3.",
    spec: {
      name: "#7001",
      currency: "KWD",
      taxesIncluded: false,
      processedAt: "2026-09-01T09:00:00Z",
      customer: person("Fatima", "Al-Sabah", "fatima@example.com.kw", 10),
      email: "fatima@example.com.kw",
      lines: [
        { title: "Dates 1kg", quantity: 3, price: "12.345", taxes: [{ title: "VAT", percent: "5" }] },
        { title: "Cardamom 50g", quantity: 7, price: "0.875", taxes: [{ title: "VAT", percent: "5" }] },
      ],
      shipping: [{ title: "Courier", price: "1.500", taxes: [{ title: "VAT", percent: "5" }] }],
    },
    taxes: "kw.json",
    settings: { pricePrecision: 3, organizationCurrency: "KWD", timezone: "Asia/Kuwait" },
  },
  // ---------------------------------------------------------------- invoiced in the customer's currency (ADR 020)
  presentmentEntry({
    file: "presentment-eur-shop-usd-customer.json",
    description:
      "EUR shop (VAT included), the customer paid in USD (Shopify Markets): invoiced in USD from presentmentMoney, " +
      "exchange rate to the EUR organization implied by the order; a 10 % code over 22 % and 10 % lines.",
    spec: {
      name: "#8001",
      ...IT,
      ...giulia,
      presentment: { currency: "USD", rate: "1.0843" },
      processedAt: "2026-10-02T08:30:00Z",
      lines: [
        { title: "Grembiule", variant: "Blu", sku: "GREM-B", quantity: 3, price: "19.99", taxes: IVA22 },
        { title: "Olio extravergine 1L", sku: "OLIO-1L", quantity: 2, price: "12.90", taxes: IVA10 },
      ],
      discounts: [{ kind: "code", label: "AMERICA10", value: { percent: "10" }, target: "order" }],
      shipping: [{ title: "DHL Express", price: "24.90", taxes: IVA22 }],
    },
    taxes: "it.json",
    settings: IT_SETTINGS,
    expect: {
      date: "2026-10-02",
      lines: [
        ["Grembiule - Blu", "IVA 22"],
        ["Olio extravergine 1L", "IVA 10"],
        ["Discount AMERICA10 (22%)", "IVA 22"],
        ["Discount AMERICA10 (10%)", "IVA 10"],
        ["Shipping: DHL Express", "IVA 22"],
      ],
    },
  }),
  presentmentEntry({
    file: "presentment-jpy-customer.json",
    description:
      "USD shop (New York tax on top), the customer paid in JPY (0 decimals): every line, tax and the total in whole yen.",
    spec: {
      name: "#8002",
      ...US,
      ...sam,
      presentment: { currency: "JPY", rate: "151.37" },
      processedAt: "2026-10-03T01:15:00Z",
      lines: [
        { title: "Canvas tote", sku: "TOTE-1", quantity: 3, price: "19.99", taxes: NYC },
        { title: "Desk lamp", variant: "Brass", sku: "LAMP-B", quantity: 1, price: "149.00", taxes: NYC },
      ],
      shipping: [{ title: "UPS Worldwide", price: "39.95", taxes: NYC }],
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
    expect: { date: "2026-10-02" },
  }),
  presentmentEntry({
    file: "presentment-kwd-customer.json",
    description:
      "EUR shop (VAT included), the customer paid in KWD (3 decimals): amounts to the fils, a fixed 5.00 EUR discount converted.",
    spec: {
      name: "#8003",
      ...IT,
      ...giulia,
      presentment: { currency: "KWD", rate: "0.3317" },
      processedAt: "2026-10-04T12:00:00Z",
      lines: [
        { title: "Caffè 250g", quantity: 7, price: "2.49", taxes: IVA10 },
        { title: "Grembiule", quantity: 1, price: "19.99", taxes: IVA22 },
      ],
      discounts: [{ kind: "manual", label: "Cliente fedele", value: { amount: "5.00" }, target: "order" }],
      shipping: [{ title: "Aramex", price: "18.00", taxes: IVA22 }],
    },
    taxes: "it.json",
    settings: IT_SETTINGS,
    expect: { date: "2026-10-04" },
  }),
  {
    file: "usd-price-precision-3.json",
    description: "A USD shop whose Zoho org keeps 3 decimals on prices: amounts still reconcile to the cent.",
    spec: {
      name: "#3012",
      ...US,
      ...sam,
      processedAt: "2026-04-14T10:00:00Z",
      lines: [{ title: "Bolts (box)", quantity: 13, price: "2.37", taxes: NYC }],
      discounts: [{ kind: "code", label: "BOLT3", value: { percent: "3" }, target: "order" }],
    },
    taxes: "us-ny.json",
    settings: { ...NY_SETTINGS, pricePrecision: 3 },
  },
  {
    file: "timezone-next-day.json",
    description: "Processed at 23:30 UTC = next morning in Sydney: the invoice date is the shop's calendar date.",
    spec: {
      name: "#5002",
      currency: "AUD",
      taxesIncluded: true,
      processedAt: "2026-03-31T23:30:00Z",
      customer: person("Mia", "Nguyen", "mia@example.com.au", 5),
      email: "mia@example.com.au",
      lines: [{ title: "Keep cup", quantity: 2, price: "24.95", taxes: [{ title: "GST", percent: "10" }] }],
    },
    taxes: "au.json",
    settings: { pricePrecision: 2, organizationCurrency: "AUD", timezone: "Australia/Sydney" },
    expect: { date: "2026-04-01" },
  },
  // ---------------------------------------------------------------- other shapes
  {
    file: "refunded-after-payment.json",
    description:
      "Partly refunded later: currentTotalPriceSet is lower, the invoice still uses totalPriceSet (what was charged).",
    spec: {
      name: "#3013",
      ...US,
      ...sam,
      processedAt: "2026-04-15T10:00:00Z",
      refunded: "21.78",
      lines: [
        { title: "Mug", quantity: 2, price: "20.00", taxes: NYC },
        { title: "Teapot", quantity: 1, price: "45.00", taxes: NYC },
      ],
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
  },
  {
    file: "edited-before-payment.json",
    description:
      "Edited before payment: the teapot removed, the mugs lowered from 3 to 2. The invoice carries what the " +
      "customer keeps (currentQuantity), the 10% code on the kept units only, and totals currentTotalPriceSet.",
    spec: {
      name: "#3019",
      ...US,
      ...sam,
      processedAt: "2026-04-16T10:00:00Z",
      lines: [
        { title: "Mug", quantity: 3, keep: 2, price: "20.00", taxes: NYC },
        { title: "Teapot", quantity: 1, keep: 0, price: "45.00", taxes: NYC },
        { title: "Spoon", quantity: 2, price: "3.50", taxes: NYC },
      ],
      shipping: [{ title: "UPS Ground", price: "9.95", taxes: NYC }],
      discounts: [{ kind: "code", label: "TEN", value: { percent: "10" }, target: "order" }],
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
  },
  {
    file: "tie-break-duplicate-rates.json",
    description:
      "Two Zoho taxes at 22 % and at 10 %: the one whose name matches the Shopify title (IVA) wins, not the default or the lowest id.",
    spec: {
      name: "#2012",
      ...IT,
      ...giulia,
      processedAt: "2026-03-26T10:00:00Z",
      lines: [
        { title: "Grembiule", quantity: 1, price: "19.99", taxes: IVA22 },
        { title: "Caffè 250g", quantity: 1, price: "6.70", taxes: IVA10 },
      ],
    },
    taxes: "it-duplicates.json",
    settings: IT_SETTINGS,
    expect: {
      lines: [
        ["Grembiule", "IVA 22%"],
        ["Caffè 250g", "IVA 10%"],
      ],
    },
  },
  {
    file: "items-linked-by-sku.json",
    description: "Lines linked to Zoho items through itemIdsBySku (one SKU known, one not).",
    spec: {
      name: "#3014",
      ...US,
      ...sam,
      processedAt: "2026-04-16T10:00:00Z",
      lines: [
        { title: "Canvas tote", sku: "TOTE-1", quantity: 1, price: "19.99", taxes: NYC },
        { title: "Desk lamp", sku: "LAMP-B", quantity: 1, price: "149.00", taxes: NYC },
      ],
    },
    taxes: "us-ny.json",
    settings: { ...NY_SETTINGS, itemIdsBySku: { "TOTE-1": "460000000099001" } },
  },
  {
    file: "non-taxable-product.json",
    description: "A product marked not taxable in a taxed order: that line has no tax id.",
    spec: {
      name: "#3015",
      ...US,
      ...sam,
      processedAt: "2026-04-17T10:00:00Z",
      lines: [
        { title: "Gift wrap service", quantity: 1, price: "4.00", taxable: false },
        { title: "Scarf", quantity: 1, price: "39.00", taxes: NYC },
      ],
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
    expect: {
      lines: [
        ["Gift wrap service", null],
        ["Scarf", "NYC Sales Tax"],
      ],
    },
  },
  {
    file: "multiple-shipping-lines.json",
    description:
      "Two shipping lines (split delivery), both taxed at 22 % with VAT included, one with a fixed shipping discount.",
    spec: {
      name: "#2013",
      ...IT,
      ...giulia,
      processedAt: "2026-03-27T10:00:00Z",
      lines: [
        { title: "Sedia", quantity: 4, price: "89.00", taxes: IVA22 },
        { title: "Cuscino", quantity: 4, price: "12.50", taxes: IVA22 },
      ],
      shipping: [
        { title: "Corriere (mobili)", price: "29.00", taxes: IVA22 },
        { title: "Posta", price: "5.90", taxes: IVA22 },
      ],
      discounts: [{ kind: "automatic", label: "Spedizione -5", value: { amount: "5.00" }, target: "shipping" }],
    },
    taxes: "it.json",
    settings: IT_SETTINGS,
  },
  // ---------------------------------------------------------------- expected errors
  {
    file: "error-unknown-tax-rate.json",
    description: "A 5 % rate the Italian Zoho org does not have: needs attention, never a guessed tax.",
    spec: {
      name: "#2014",
      ...IT,
      ...giulia,
      processedAt: "2026-03-28T10:00:00Z",
      lines: [{ title: "Mascherine", quantity: 10, price: "0.50", taxes: [{ title: "IVA", percent: "5" }] }],
    },
    taxes: "it.json",
    settings: IT_SETTINGS,
    expect: {
      error: { code: "unknown_tax_rate", message: "No Zoho tax of 5% — add it in Zoho Books › Settings › Taxes" },
    },
  },
  {
    file: "error-unknown-tax-group.json",
    description: "A US rate (4 + 4.25 + 0.375 %) with no matching tax group.",
    spec: {
      name: "#3016",
      ...US,
      ...sam,
      processedAt: "2026-04-18T10:00:00Z",
      lines: [
        {
          title: "Umbrella",
          quantity: 1,
          price: "25.00",
          taxes: [
            { title: "New York State Tax", percent: "4" },
            { title: "Nassau County Tax", percent: "4.25" },
            { title: "Metropolitan Commuter Transportation District", percent: "0.375" },
          ],
        },
      ],
    },
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
    expect: { error: { code: "unknown_tax_rate", message: "No Zoho tax or tax group of 8.625%" } },
  },
  {
    file: "error-currency-mismatch.json",
    description: "A EUR shop connected to a USD Zoho organization.",
    spec: {
      name: "#2015",
      ...IT,
      ...giulia,
      processedAt: "2026-03-29T10:00:00Z",
      lines: [{ title: "Grembiule", quantity: 1, price: "19.99", taxes: IVA22 }],
    },
    taxes: "it.json",
    settings: { ...IT_SETTINGS, organizationCurrency: "USD" },
    expect: {
      error: { code: "currency_mismatch", message: "The shop sells in EUR but the Zoho Books organization uses USD" },
    },
  },
  {
    file: "error-price-precision-too-low.json",
    description: "A USD shop whose Zoho org keeps 0 decimals on prices cannot show a total with cents.",
    spec: {
      name: "#3017",
      ...US,
      ...sam,
      processedAt: "2026-04-19T10:00:00Z",
      lines: [{ title: "Socks", quantity: 1, price: "9.99", taxes: NYC }],
    },
    taxes: "us-ny.json",
    settings: { ...NY_SETTINGS, pricePrecision: 0 },
    expect: { error: { code: "unsupported_order", message: "set the price precision to 2" } },
  },
];

/** An order with more than 250 lines (the PaidOrder query reads the first 250 only). */
function tooManyLines(): Entry {
  const order = buildOrder({
    name: "#3018",
    ...US,
    processedAt: "2026-04-20T10:00:00Z",
    lines: [{ title: "Screw", quantity: 1, price: "0.10", taxes: NYC }],
  });
  order.lineItems.pageInfo = { hasNextPage: true, endCursor: "eyJsYXN0X2lkIjoyNTB9" };
  return {
    file: "error-more-than-250-lines.json",
    description: "lineItems.pageInfo.hasNextPage: the order has more lines than one query returns.",
    order,
    taxes: "us-ny.json",
    settings: NY_SETTINGS,
    expect: { error: { code: "unsupported_order", message: "more than 250 line items" } },
  };
}

/**
 * An order the customer paid in another currency, invoiced in that currency: precision of that
 * currency, exchange rate to the organization (the shop currency) implied by the order's two totals.
 */
function presentmentEntry(e: Omit<Entry, "spec" | "order"> & { spec: MultiCurrencySpec }): Entry {
  const order = buildMultiCurrencyOrder(e.spec);
  const code = e.spec.presentment.currency;
  const rate = impliedRate(
    code,
    e.settings.organizationCurrency,
    { amount: order.totalPriceSet.shopMoney.amount, currencyCode: order.currencyCode },
    { amount: order.totalPriceSet.presentmentMoney.amount, currencyCode: code },
  );
  return {
    file: e.file,
    description: e.description,
    order,
    taxes: e.taxes,
    settings: {
      ...e.settings,
      pricePrecision: currencyDecimals(code),
      currency: { bag: "presentment", currencyCode: code, exchangeRate: rate!.toFixed() },
    },
    ...(e.expect ? { expect: e.expect } : {}),
  };
}

export function buildFixtures(): Array<{ file: string; fixture: OrderFixture }> {
  return [...entries, tooManyLines()].map((e) => {
    const order = e.order ?? buildOrder(e.spec!);
    const expect = { ...e.expect };
    // What the invoice must total, in the invoice's money bag: the order after its edits, or as sold once
    // refunded (mapping/kept.ts).
    const bag = e.settings.currency?.bag === "presentment" ? "presentmentMoney" : "shopMoney";
    const totalSet = invoicesCurrentState(order) ? order.currentTotalPriceSet : order.totalPriceSet;
    if (!expect.error) expect.total = totalSet[bag].amount;
    return {
      file: e.file,
      fixture: { description: e.description, order, taxes: e.taxes, settings: e.settings, expect },
    };
  });
}

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

export function serialize(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(join(FIXTURES_DIR, "orders"), { recursive: true });
  mkdirSync(join(FIXTURES_DIR, "taxes"), { recursive: true });
  for (const [file, body] of Object.entries(TAX_TABLES))
    writeFileSync(join(FIXTURES_DIR, "taxes", file), serialize(body));
  const fixtures = buildFixtures();
  for (const { file, fixture } of fixtures) writeFileSync(join(FIXTURES_DIR, "orders", file), serialize(fixture));
  process.stdout.write(`wrote ${fixtures.length} order fixtures and ${Object.keys(TAX_TABLES).length} tax tables\n`);
}
