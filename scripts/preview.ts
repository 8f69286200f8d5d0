// Preview the Zoho invoice for a Shopify order, offline (design §10):
//
//   npm run --silent preview -- --order ORDER.json --taxes TAXES.json [--timezone Area/City] [--precision N]
//     [--items ITEMS.json] [--discount-style negative|lines] [--invoice-currency shop|customer [--exchange-rate R]]
//     [--tax-mappings MAPPINGS.json]
//
// ORDER.json: the `order` object the PaidOrder query returns (app/shopify/paid-order.ts), or the whole
//   `{"data":{"order":…}}` response (a fixture's `{"order":…}` works too).
// TAXES.json: the body of Zoho's GET /settings/taxes (`{"taxes":[…]}`; an optional `tax_groups` array of
//   GET /settings/taxgroups/{id} details lets group members round like Zoho does).
// ITEMS.json (optional): the body of Zoho's GET /items (`{"items":[…]}`, or the array): product lines get
//   the item_id of the item with their SKU, else their exact name. Without it no line carries an item.
// --discount-style (optional): "negative" (default: discounts as negative lines) or "lines" (Zoho's own
//   line `discount` on each discounted line, for organizations that refuse negative lines).
// --invoice-currency (optional): "shop" (default: the shop's money, as without the option) or "customer":
//   every amount from presentmentMoney, in the currency the customer paid, with `exchange_rate` to the
//   shop currency: --exchange-rate R (shop units per customer unit), else the rate the order's two totals
//   imply. --precision defaults to that currency's minor units.
// MAPPINGS.json (optional): the merchant's choices of Settings › Taxes for Shopify taxes that fit several
//   Zoho taxes equally well (a combined rate): `{"GST + PST": "460000000010255"}` (Shopify tax titles joined
//   with " + " → Zoho tax_id), or the stored rows `[{"shopifyTaxes": "GST + PST", "zohoTaxId": "…"}]`.
//   Each tax_id must be in TAXES.json. Without it such an order exits 2 naming the candidates, as a sync
//   waits for the merchant's choice.
// stdout: exactly one JSON document {"invoice", "expected_total", "currency_code"}; the invoice is the
//   POST /invoices body with customer_id "PREVIEW". stderr: the tax chosen for each line and why.
// Exit 0; any problem with the input or the mapping → nothing on stdout, one line on stderr, exit 2.
// No Zoho organization here: precision = the currency's minor units unless --precision, and the
// organization currency = the shop currency. Pure: imports nothing that reads the environment.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { chooseExchangeRate } from "~/sync/invoice-currency";
import {
  MappingError,
  invoiceDate,
  mapOrderToInvoice,
  orderTotals,
  parsePaidOrder,
  presentmentCurrencyOf,
  type InvoiceCurrency,
  type PaidOrder,
} from "~/sync/mapping";
import { itemIndexFrom } from "~/zoho/item-index";
import { currencyDecimals } from "~/sync/money";
import { buildTaxTable } from "~/sync/tax-match";
import type { ZohoTax, ZohoTaxGroup, ZohoTaxTableEntry } from "~/zoho/types";

const USAGE =
  "usage: npm run --silent preview -- --order ORDER.json --taxes TAXES.json [--timezone Area/City] [--precision 0-3] [--items ITEMS.json] [--discount-style negative|lines] [--print-order-note] [--invoice-currency shop|customer [--exchange-rate R]] [--tax-mappings MAPPINGS.json]";

/** A problem to report in one line with exit code 2. */
class InputError extends Error {}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      `cannot read the ${what} file ${path}${code === "ENOENT" ? " (no such file)" : code ? ` (${code})` : ""}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError(`the ${what} file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The order object from `order`, `{"data":{"order"}}` or `{"order"}`. */
function unwrapOrder(json: unknown): unknown {
  if (!isObject(json)) return json;
  if (Array.isArray(json.errors) && json.errors.length > 0 && !isObject(json.data)) {
    const first: unknown = json.errors[0];
    throw new InputError(
      `the order file is a GraphQL error response: ${isObject(first) ? String(first.message) : "unknown error"}`,
    );
  }
  if (isObject(json.data) && "order" in json.data) {
    if (json.data.order === null)
      throw new InputError("the order file has data.order = null (order not found or no access)");
    return json.data.order;
  }
  if (isObject(json.order) && !("lineItems" in json)) return json.order;
  return json;
}

const id = z.union([z.string().min(1), z.number()]).transform(String);
const percentage = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/)]).transform(Number);
const taxSchema = z.object({
  tax_id: id,
  tax_name: z.string(),
  tax_percentage: percentage,
  tax_type: z.enum(["tax", "compound_tax", "tax_group"]).default("tax"),
  is_default_tax: z.boolean().optional(),
});
const memberSchema = z.object({
  tax_id: id,
  tax_name: z.string(),
  tax_percentage: percentage,
  tax_type: z.enum(["tax", "compound_tax"]).default("tax"),
});
const groupSchema = z.object({
  tax_group_id: id,
  tax_group_name: z.string(),
  tax_group_percentage: percentage,
  taxes: z.array(memberSchema),
});
const taxesBodySchema = z.object({ taxes: z.array(taxSchema), tax_groups: z.array(groupSchema).optional() });

function parseTaxes(json: unknown) {
  if (isObject(json) && typeof json.code === "number" && json.code !== 0) {
    throw new InputError(
      `the taxes file is a Zoho error response: code ${json.code} ${String(json.message ?? "")}`.trim(),
    );
  }
  // The response body, or just its `taxes` array.
  const parsed = taxesBodySchema.safeParse(Array.isArray(json) ? { taxes: json } : json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `the taxes file is not a GET /settings/taxes body: ${issue?.path.join(".") || "root"} — ${issue?.message ?? "invalid"}`,
    );
  }
  return buildTaxTable(parsed.data.taxes as ZohoTax[], (parsed.data.tax_groups ?? []) as ZohoTaxGroup[]);
}

const itemsBodySchema = z.object({
  items: z.array(
    z.object({
      item_id: id,
      name: z.string(),
      sku: z.string().nullish(),
      status: z.enum(["active", "inactive"]).optional(),
    }),
  ),
});

function parseItems(json: unknown) {
  if (isObject(json) && typeof json.code === "number" && json.code !== 0) {
    throw new InputError(
      `the items file is a Zoho error response: code ${json.code} ${String(json.message ?? "")}`.trim(),
    );
  }
  const parsed = itemsBodySchema.safeParse(Array.isArray(json) ? { items: json } : json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `the items file is not a GET /items body: ${issue?.path.join(".") || "root"} — ${issue?.message ?? "invalid"}`,
    );
  }
  return itemIndexFrom(
    parsed.data.items.map((i) => ({
      item_id: i.item_id,
      name: i.name,
      ...(i.sku ? { sku: i.sku } : {}),
      ...(i.status ? { status: i.status } : {}),
    })),
  );
}

const mappingRowsSchema = z.array(z.object({ shopifyTaxes: z.string().min(1), zohoTaxId: id.nullable() }));
const mappingObjectSchema = z.record(z.string().min(1), id);

/** Shopify taxes → Zoho tax_id, from the object or Settings' rows (a row without a choice is skipped). */
function parseTaxMappings(json: unknown, taxes: readonly ZohoTaxTableEntry[]): Record<string, string> {
  const rows = mappingRowsSchema.safeParse(json);
  const object = mappingObjectSchema.safeParse(json);
  let mappings: Record<string, string>;
  if (rows.success)
    mappings = Object.fromEntries(
      rows.data.flatMap((r) => (r.zohoTaxId ? [[r.shopifyTaxes.trim(), r.zohoTaxId]] : [])),
    );
  else if (object.success) mappings = Object.fromEntries(Object.entries(object.data).map(([k, v]) => [k.trim(), v]));
  else
    throw new InputError(
      'the tax mappings file is neither {"Shopify taxes": "zoho tax_id"} nor [{"shopifyTaxes", "zohoTaxId"}]',
    );
  for (const [key, taxId] of Object.entries(mappings))
    if (!taxes.some((t) => t.tax_id === taxId))
      throw new InputError(
        `the tax mappings file maps "${key}" to tax_id ${taxId}, which the taxes file does not have`,
      );
  return mappings;
}

function main(argv: string[]): number {
  let values: {
    order?: string;
    taxes?: string;
    timezone?: string;
    precision?: string;
    items?: string;
    "discount-style"?: string;
    "print-order-note"?: boolean;
    "invoice-currency"?: string;
    "exchange-rate"?: string;
    "tax-mappings"?: string;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        order: { type: "string" },
        taxes: { type: "string" },
        timezone: { type: "string" },
        precision: { type: "string" },
        items: { type: "string" },
        "discount-style": { type: "string" },
        "print-order-note": { type: "boolean" },
        "invoice-currency": { type: "string" },
        "exchange-rate": { type: "string" },
        "tax-mappings": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new InputError(`${(err as Error).message} — ${USAGE}`);
  }
  if (!values.order || !values.taxes) throw new InputError(`--order and --taxes are required — ${USAGE}`);

  const order = parsePaidOrder(unwrapOrder(readJson(values.order, "order")));
  const taxes = parseTaxes(readJson(values.taxes, "taxes"));
  const currency = invoiceCurrencyOption(order, values["invoice-currency"], values["exchange-rate"], values.timezone);
  let pricePrecision = currencyDecimals(currency?.currencyCode ?? String(order.currencyCode));
  if (values.precision !== undefined) {
    if (!/^[0-3]$/.test(values.precision))
      throw new InputError(`--precision must be 0, 1, 2 or 3 (got "${values.precision}")`);
    pricePrecision = Number(values.precision);
  }

  const style = values["discount-style"];
  if (style !== undefined && style !== "negative" && style !== "lines")
    throw new InputError(`--discount-style must be "negative" or "lines" (got "${style}")`);
  const items = values.items === undefined ? undefined : parseItems(readJson(values.items, "items"));
  const taxMappings =
    values["tax-mappings"] === undefined
      ? undefined
      : parseTaxMappings(readJson(values["tax-mappings"], "tax mappings"), taxes);

  const mapped = mapOrderToInvoice(order, taxes, {
    pricePrecision,
    organizationCurrency: order.currencyCode,
    ...(currency ? { currency } : {}),
    ...(values.timezone ? { timezone: values.timezone } : {}),
    ...(items ? { itemIdsBySku: items.bySku, itemIdsByName: items.byName } : {}),
    ...(style ? { discountStyle: style } : {}),
    ...(values["print-order-note"] ? { printOrderNote: true } : {}),
    ...(taxMappings ? { taxMappings } : {}),
  });

  const output = {
    invoice: { customer_id: "PREVIEW", ...mapped.payload },
    expected_total: mapped.expectedTotal,
    currency_code: mapped.currencyCode,
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  for (const c of mapped.taxChoices) {
    const chosen = c.taxId ? `${c.taxName} (tax_id ${c.taxId})` : "no tax";
    process.stderr.write(`tax: ${c.line} — ${c.ratePercent}% → ${chosen}: ${c.reason}\n`);
  }
  return 0;
}

/** `--invoice-currency customer`: presentment money, at the given rate or the one the order implies. */
function invoiceCurrencyOption(
  order: PaidOrder,
  mode: string | undefined,
  rate: string | undefined,
  timezone: string | undefined,
): InvoiceCurrency | undefined {
  if (mode !== undefined && mode !== "shop" && mode !== "customer")
    throw new InputError(`--invoice-currency must be "shop" or "customer" (got "${mode}")`);
  if (rate !== undefined && mode !== "customer")
    throw new InputError("--exchange-rate needs --invoice-currency customer");
  if (rate !== undefined && !/^\d+(\.\d+)?$/.test(rate))
    throw new InputError(`--exchange-rate must be a positive decimal such as 0.9213 (got "${rate}")`);
  if (mode !== "customer") return undefined;
  const code = presentmentCurrencyOf(order);
  const totals = orderTotals(order);
  // The preview knows no Zoho organization: its base currency is taken to be the shop's.
  const chosen = chooseExchangeRate({
    invoiceCurrency: code,
    baseCurrency: order.currencyCode,
    date: invoiceDate(order.processedAt, timezone),
    zohoRate: rate ?? null,
    shopTotal: totals.shop,
    presentmentTotal: totals.presentment,
  });
  return { bag: "presentment", currencyCode: code, exchangeRate: chosen.rate };
}

/** What the preview takes in place of Settings › Taxes for an ambiguous combined rate. */
function previewHint(err: Error): string {
  if (!(err instanceof MappingError) || err.code !== "ambiguous_tax") return "";
  const key = String(err.details?.shopifyTaxes ?? "");
  const first = String(err.details?.candidates ?? "").split(",")[0] ?? "";
  return ` (preview: --tax-mappings MAPPINGS.json with {"${key}": "${first}"} or another candidate's tax_id)`;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, " ").trim();
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  if (err instanceof MappingError || err instanceof InputError || err instanceof RangeError) {
    process.stderr.write(`preview: ${oneLine(err.message)}${previewHint(err)}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(
      `preview: unexpected error: ${oneLine(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`,
    );
    process.exitCode = 1;
  }
}
