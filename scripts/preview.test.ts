// The preview CLI's contract, by spawning it exactly as reviewers do:
// `npm run --silent preview -- --order ORDER.json --taxes TAXES.json [--timezone Area/City] [--precision N]`.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { OrderFixture, TaxesFixture } from "~test/factories/order-fixtures";
import { mapOrderToInvoice } from "~/sync/mapping";
import { buildTaxTable } from "~/sync/tax-match";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURES = join(ROOT, "test", "fixtures");
let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the preview with a minimal environment: it must need no app secrets, database or Redis. */
function preview(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      "npm",
      ["run", "--silent", "preview", "--", ...args],
      // Cast: the app's global ProcessEnv type lists its own variables, which the preview must not need.
      {
        cwd: ROOT,
        env: {
          PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
          HOME: process.env.HOME ?? tmpdir(),
        } as unknown as NodeJS.ProcessEnv,
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, "orders", name), "utf8")) as OrderFixture;
const taxesOf = (name: string) => JSON.parse(readFileSync(join(FIXTURES, "taxes", name), "utf8")) as TaxesFixture;
function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}
function expectFailure(run: Run, message: string) {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe("");
  // Lines starting with "›" come from scripts/bootstrap.sh (first run after a lockfile/schema change).
  const lines = run.stderr
    .trim()
    .split("\n")
    .filter((l) => !l.startsWith("›"));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(message);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "preview-test-"));
});

// Each test spawns `npm run preview` (bootstrap, tsx, the mapping): ~3 s on a quiet machine, far
// more when the two cores are busy with the rest of the suite.
describe("npm run preview", { timeout: 60_000 }, () => {
  it("prints one JSON document with the invoice body, expected total and currency", async () => {
    const fx = fixture("order-percentage-discount-mixed-rates.json");
    const taxes = taxesOf(fx.taxes);
    // The whole GraphQL response and the plain GET /settings/taxes body (no group details).
    const order = writeJson("response.json", { data: { order: fx.order }, extensions: { cost: {} } });
    const body = writeJson("taxes.json", {
      code: 0,
      message: "success",
      taxes: taxes.taxes,
      page_context: { page: 1 },
    });
    const run = await preview(["--order", order, "--taxes", body, "--timezone", "Europe/Rome"]);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {
      invoice: Record<string, unknown>;
      expected_total: string;
      currency_code: string;
    };
    expect(Object.keys(out).sort()).toEqual(["currency_code", "expected_total", "invoice"]);
    expect(out.expected_total).toBe(fx.expect.total);
    expect(out.currency_code).toBe("EUR");
    const mapped = mapOrderToInvoice(fx.order, buildTaxTable(taxes.taxes), {
      pricePrecision: 2,
      organizationCurrency: "EUR",
      timezone: "Europe/Rome",
    });
    expect(out.invoice).toEqual({ customer_id: "PREVIEW", ...mapped.payload });
    // Tax choices go to stderr, one line per invoice line that can carry a tax.
    expect(run.stderr).toContain("tax: Grembiule — 22% → IVA 22");
  });

  it("leaves the order note off the customer-facing invoice unless --print-order-note", async () => {
    const fx = fixture("customer-with-company.json");
    const args = ["--order", writeJson("noted.json", fx.order), "--taxes", join(FIXTURES, "taxes", fx.taxes)];
    const [plain, printed] = await Promise.all([preview(args), preview([...args, "--print-order-note"])]);
    expect([plain.code, printed.code], plain.stderr + printed.stderr).toEqual([0, 0]);
    expect((JSON.parse(plain.stdout) as { invoice: { notes?: string } }).invoice.notes).toBeUndefined();
    expect((JSON.parse(printed.stdout) as { invoice: { notes?: string } }).invoice.notes).toBe("PO 2026-118");
  });

  it("takes the bare order object, and precision/timezone flags; defaults follow the currency", async () => {
    const jpy = fixture("jpy-zero-decimals.json");
    const run = await preview([
      "--order",
      writeJson("jpy.json", jpy.order),
      "--taxes",
      join(FIXTURES, "taxes", jpy.taxes),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ expected_total: jpy.expect.total, currency_code: "JPY" });
    expect(jpy.expect.total).toMatch(/^\d+$/);

    const kwd = fixture("kwd-three-decimals.json");
    const kwdRun = await preview([
      "--order",
      writeJson("kwd.json", kwd.order),
      "--taxes",
      join(FIXTURES, "taxes", kwd.taxes),
    ]);
    expect(JSON.parse(kwdRun.stdout)).toMatchObject({ expected_total: kwd.expect.total, currency_code: "KWD" });
    expect(kwd.expect.total).toMatch(/^\d+\.\d{3}$/);

    const late = fixture("timezone-next-day.json");
    const args = ["--order", writeJson("late.json", late.order), "--taxes", join(FIXTURES, "taxes", late.taxes)];
    const utc = JSON.parse((await preview(args)).stdout) as { invoice: { date: string } };
    const sydney = JSON.parse(
      (await preview([...args, "--timezone", "Australia/Sydney", "--precision", "3"])).stdout,
    ) as {
      invoice: { date: string };
      expected_total: string;
    };
    expect([utc.invoice.date, sydney.invoice.date]).toEqual(["2026-03-31", "2026-04-01"]);
    expect(sydney.expected_total).toBe(late.expect.total);
  });

  it("--items adds item ids (SKU, then exact name) and --discount-style lines sends Zoho's line discounts", async () => {
    const fx = fixture("order-percentage-discount-mixed-rates.json");
    const args = [
      "--order",
      writeJson("mixed.json", fx.order),
      "--taxes",
      join(FIXTURES, "taxes", fx.taxes),
      "--timezone",
      "Europe/Rome",
    ];
    const plain = JSON.parse((await preview(args)).stdout) as {
      invoice: { line_items: Array<{ name: string; rate: number; item_id?: string }> };
    };
    const [first, second] = plain.invoice.line_items;
    const items = writeJson("items.json", {
      code: 0,
      message: "success",
      items: [
        {
          item_id: "900001",
          name: "Something else",
          sku: fx.order.lineItems.nodes[0]!.sku ?? "NO-SKU",
          status: "active",
        },
        { item_id: "900002", name: second!.name.toUpperCase(), status: "active" },
      ],
    });
    const linked = JSON.parse((await preview([...args, "--items", items])).stdout) as typeof plain;
    expect(linked.invoice.line_items.slice(0, 2).map((l) => l.item_id)).toEqual([
      fx.order.lineItems.nodes[0]!.sku ? "900001" : undefined,
      "900002",
    ]);
    expect(first!.item_id).toBeUndefined();

    const lines = await preview([...args, "--discount-style", "lines"]);
    expect(lines.code, lines.stderr).toBe(0);
    const out = JSON.parse(lines.stdout) as {
      invoice: { line_items: Array<{ rate: number; discount?: number }>; discount_type?: string };
      expected_total: string;
    };
    expect(plain.invoice.line_items.some((l) => l.rate < 0)).toBe(true);
    expect(out.invoice.line_items.every((l) => l.rate >= 0)).toBe(true);
    expect(out.invoice.line_items.some((l) => (l.discount ?? 0) > 0)).toBe(true);
    expect(out.invoice.discount_type).toBe("item_level");
    expect(out.expected_total).toBe(fx.expect.total);

    expectFailure(
      await preview([...args, "--discount-style", "both"]),
      '--discount-style must be "negative" or "lines"',
    );
    expectFailure(
      await preview([...args, "--items", writeJson("bad-items.json", { items: [{ name: "x" }] })]),
      "the items file is not a GET /items body",
    );
  }, 90_000);

  it("--invoice-currency customer maps what the customer paid; without it the shop's money as before", async () => {
    const fx = fixture("presentment-eur-shop-usd-customer.json");
    const args = ["--order", writeJson("usd.json", fx.order), "--taxes", join(FIXTURES, "taxes", fx.taxes)];
    const shop = JSON.parse((await preview(args)).stdout) as { expected_total: string; currency_code: string };
    expect(shop).toMatchObject({ expected_total: fx.order.totalPriceSet.shopMoney.amount, currency_code: "EUR" });

    type Out = { invoice: { exchange_rate: number }; expected_total: string; currency_code: string };
    const implied = JSON.parse((await preview([...args, "--invoice-currency", "customer"])).stdout) as Out;
    expect(implied).toMatchObject({ expected_total: fx.expect.total, currency_code: "USD" });
    expect(implied.invoice.exchange_rate).toBe(Number(fx.settings.currency!.exchangeRate));

    const given = await preview([...args, "--invoice-currency", "customer", "--exchange-rate", "0.9213"]);
    expect(given.code, given.stderr).toBe(0);
    const out = JSON.parse(given.stdout) as Out;
    expect(out.invoice.exchange_rate).toBe(0.9213);
    expect(out.expected_total).toBe(fx.order.totalPriceSet.presentmentMoney.amount);

    expectFailure(
      await preview([...args, "--exchange-rate", "0.9"]),
      "--exchange-rate needs --invoice-currency customer",
    );
  });

  it("--tax-mappings: a combined rate two Zoho taxes fit equally well takes the merchant's choice", async () => {
    // GST 5 % + BC PST 7 % = 12 %, and two plain 12 % taxes whose names tell nothing: a sync would wait.
    const fx = fixture("ca-bc-gst-pst.json");
    const order = writeJson("ca.json", fx.order);
    const taxes = writeJson("twelve.json", {
      taxes: [
        { tax_id: "901", tax_name: "Sales tax 12 A", tax_percentage: 12 },
        { tax_id: "902", tax_name: "Sales tax 12 B", tax_percentage: 12 },
        { tax_id: "905", tax_name: "GST", tax_percentage: 5 }, // the shipping's
      ],
    });
    const waiting = await preview(["--order", order, "--taxes", taxes]);
    expectFailure(waiting, 'Several Zoho taxes fit the Shopify taxes "GST + BC PST" (12%)');
    expect(waiting.stderr).toContain('--tax-mappings MAPPINGS.json with {"GST + BC PST": "901"}');

    const taxIds = (run: Run) =>
      (JSON.parse(run.stdout) as { invoice: { line_items: Array<{ tax_id?: string }> } }).invoice.line_items.map(
        (l) => l.tax_id,
      );
    // The mapping's own shape, and the rows Settings › Taxes stores (a row still waiting is skipped).
    const chosen = await preview([
      "--order",
      order,
      "--taxes",
      taxes,
      "--tax-mappings",
      writeJson("m.json", { "GST + BC PST": "902" }),
    ]);
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(new Set(taxIds(chosen))).toEqual(new Set(["902", "905"]));
    expect(chosen.stderr).toContain('→ Sales tax 12 B (tax_id 902): chosen in Settings for "GST + BC PST"');
    const rows = writeJson("rows.json", [
      { shopifyTaxes: "GST + BC PST", zohoTaxId: "901", candidates: ["901", "902"] },
      { shopifyTaxes: "GST + QST", zohoTaxId: null, candidates: [] },
    ]);
    const fromRows = await preview(["--order", order, "--taxes", taxes, "--tax-mappings", rows]);
    expect(fromRows.code, fromRows.stderr).toBe(0);
    expect(new Set(taxIds(fromRows))).toEqual(new Set(["901", "905"]));
    // Without the option nothing else changes: an unambiguous order maps as before.
    expect(JSON.parse(chosen.stdout).expected_total).toBe(fx.expect.total);

    expectFailure(
      await preview([
        "--order",
        order,
        "--taxes",
        taxes,
        "--tax-mappings",
        writeJson("bad.json", { "GST + BC PST": "999" }),
      ]),
      'maps "GST + BC PST" to tax_id 999, which the taxes file does not have',
    );
    expectFailure(
      await preview(["--order", order, "--taxes", taxes, "--tax-mappings", writeJson("odd.json", [1, 2])]),
      "the tax mappings file is neither",
    );
  });

  it("exits 2 with one line and an empty stdout when no Zoho tax has the rate", async () => {
    const fx = fixture("error-unknown-tax-rate.json");
    const run = await preview([
      "--order",
      writeJson("unknown.json", fx.order),
      "--taxes",
      join(FIXTURES, "taxes", fx.taxes),
    ]);
    expectFailure(run, "No Zoho tax of 5% — add it in Zoho Books › Settings › Taxes");
  });

  it.each<[string, () => string[], string]>([
    [
      "a missing file",
      () => ["--order", join(dir, "nope.json"), "--taxes", join(FIXTURES, "taxes", "it.json")],
      "no such file",
    ],
    [
      "broken JSON",
      () => ["--order", writeJson("broken.json", "{ not json"), "--taxes", join(FIXTURES, "taxes", "it.json")],
      "not valid JSON",
    ],
    [
      "an order that is not a PaidOrder",
      () => ["--order", writeJson("odd.json", { id: 1 }), "--taxes", join(FIXTURES, "taxes", "it.json")],
      "not a PaidOrder",
    ],
    [
      "an order not found",
      () => [
        "--order",
        writeJson("null.json", { data: { order: null } }),
        "--taxes",
        join(FIXTURES, "taxes", "it.json"),
      ],
      "data.order = null",
    ],
    [
      "a Zoho error body as taxes",
      () => [
        "--order",
        join(dir, "jpy.json"),
        "--taxes",
        writeJson("zerr.json", { code: 57, message: "You are not authorized" }),
      ],
      "code 57",
    ],
    [
      "taxes that are not a tax list",
      () => ["--order", join(dir, "jpy.json"), "--taxes", writeJson("tbad.json", { taxes: [{ tax_name: "x" }] })],
      "taxes.0.tax_id",
    ],
    ["no --taxes", () => ["--order", join(dir, "jpy.json")], "--order and --taxes are required"],
    [
      "an unknown flag",
      () => ["--order", join(dir, "jpy.json"), "--taxes", join(FIXTURES, "taxes", "jp.json"), "--bogus"],
      "usage:",
    ],
    [
      "a bad precision",
      () => ["--order", join(dir, "jpy.json"), "--taxes", join(FIXTURES, "taxes", "jp.json"), "--precision", "5"],
      "--precision must be",
    ],
    [
      "a bad timezone",
      () => [
        "--order",
        join(dir, "jpy.json"),
        "--taxes",
        join(FIXTURES, "taxes", "jp.json"),
        "--timezone",
        "Mars/Olympus",
      ],
      "Unknown timezone",
    ],
  ])("exits 2 on %s", async (_label, args, message) => {
    expectFailure(await preview(args()), message);
  });
});
