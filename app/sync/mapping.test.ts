// The mapping against the fixture corpus (test/fixtures/orders) and its rules one by one.
// Zoho's total is computed by the Books simulator's model (test/factories/zoho-model.ts), not by
// the mapping's own prediction, and must equal Shopify's total to the cent for every order.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildOrder, type OrderSpec } from "~test/factories/order";
import {
  FIXTURES_DIR,
  TAX_TABLES,
  buildFixtures,
  serialize,
  type OrderFixture,
  type TaxesFixture,
} from "~test/factories/order-fixtures";
import { zohoTotals } from "~test/factories/zoho-model";
import type { ZohoTaxTableEntry } from "~/zoho/types";
import {
  MappingError,
  ROUNDING_DESCRIPTION,
  invoiceDate,
  mapOrderToInvoice,
  orderInBag,
  parsePaidOrder,
  predictZohoTotal,
  truncate,
  type MappedInvoice,
  type PaidOrder,
} from "./mapping";
import { invoicesCurrentState, keptShare } from "./mapping/kept";
import { Decimal, currencyDecimals, minorUnit, roundHalfUp } from "./money";
import { buildTaxTable, effectivePercent, taxLinePercent } from "./tax-match";

const ORDERS_DIR = join(FIXTURES_DIR, "orders");
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;
const fixtureFiles = readdirSync(ORDERS_DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();
const loadTaxes = (file: string) => readJson<TaxesFixture>(join(FIXTURES_DIR, "taxes", file));
const tableOf = (t: TaxesFixture) => buildTaxTable(t.taxes, t.tax_groups);
const money = (bag: { shopMoney: { amount: string } }) => new Decimal(bag.shopMoney.amount);
const sum = (values: Decimal[]) => values.reduce((s, v) => s.plus(v), new Decimal(0));

function mapFixture(fx: OrderFixture): MappedInvoice {
  return mapOrderToInvoice(parsePaidOrder(fx.order), tableOf(loadTaxes(fx.taxes)), fx.settings);
}

function mappingError(fn: () => unknown): MappingError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MappingError) return err;
    throw err;
  }
  throw new Error("expected a MappingError");
}

/** Shopify's own numbers must add up the way Shopify computes them (independent of the factory). */
function checkShopifyNumbers(order: PaidOrder) {
  const cd = currencyDecimals(order.currencyCode);
  const round = (d: Decimal) => roundHalfUp(d, cd);
  let subtotal = new Decimal(0);
  let tipItems = new Decimal(0);
  let tax = new Decimal(0);
  let discounts = new Decimal(0);
  const byTitle = new Map<string, Decimal>();
  const checkTaxes = (net: Decimal, lines: PaidOrder["taxLines"]) => {
    const total = sum(lines.map((t) => taxLinePercent(t)));
    for (const t of lines) {
      const p = taxLinePercent(t);
      const expected = order.taxesIncluded ? round(net.times(p).div(total.plus(100))) : round(net.times(p).div(100));
      expect(money(t.priceSet).toFixed(cd), `${t.title} on ${net.toFixed()}`).toBe(expected.toFixed(cd));
      tax = tax.plus(money(t.priceSet));
      const key = `${t.title} ${p.toFixed()}`;
      byTitle.set(key, (byTitle.get(key) ?? new Decimal(0)).plus(money(t.priceSet)));
    }
  };
  for (const li of order.lineItems.nodes) {
    const alloc = sum(li.discountAllocations.map((a) => money(a.allocatedAmountSet)));
    const net = money(li.originalUnitPriceSet).times(li.quantity).minus(alloc);
    discounts = discounts.plus(alloc);
    checkTaxes(net, li.taxLines);
    if (!li.requiresShipping && /^tip$/i.test(li.title)) tipItems = tipItems.plus(net);
    else subtotal = subtotal.plus(net);
  }
  let shipping = new Decimal(0);
  for (const sl of order.shippingLines.nodes) {
    const alloc = sum(sl.discountAllocations.map((a) => money(a.allocatedAmountSet)));
    const net = money(sl.originalPriceSet).minus(alloc);
    expect(money(sl.discountedPriceSet).eq(net)).toBe(true);
    discounts = discounts.plus(alloc);
    shipping = shipping.plus(net);
    checkTaxes(net, sl.taxLines);
  }
  const tip = money(order.totalTipReceivedSet);
  if (tipItems.gt(0)) expect(tip.eq(tipItems)).toBe(true);
  expect(money(order.subtotalPriceSet!).eq(subtotal)).toBe(true);
  expect(money(order.totalTaxSet!).eq(tax)).toBe(true);
  expect(money(order.totalDiscountsSet!).eq(discounts)).toBe(true);
  expect(
    money(order.totalShippingPriceSet).eq(sum(order.shippingLines.nodes.map((s) => money(s.originalPriceSet)))),
  ).toBe(true);
  // Order-level tax lines: one per title and rate, the sum of the line taxes.
  expect(order.taxLines).toHaveLength(byTitle.size);
  for (const t of order.taxLines) {
    const key = `${t.title} ${taxLinePercent(t).toFixed()}`;
    expect(money(t.priceSet).eq(byTitle.get(key) ?? -1), key).toBe(true);
  }
  const total = subtotal
    .plus(shipping)
    .plus(tip)
    .plus(order.taxesIncluded ? 0 : tax);
  expect(money(order.totalPriceSet).toFixed(cd)).toBe(total.toFixed(cd));
}

describe("fixture corpus", () => {
  it("has at least 30 orders and matches its generator (regenerate with `npx tsx test/factories/order-fixtures.ts`)", () => {
    const built = buildFixtures();
    expect(fixtureFiles.length).toBeGreaterThanOrEqual(30);
    expect(built.map((b) => b.file).sort()).toEqual(fixtureFiles);
    for (const { file, fixture } of built)
      expect(readFileSync(join(ORDERS_DIR, file), "utf8"), file).toBe(serialize(fixture));
    for (const [file, body] of Object.entries(TAX_TABLES)) {
      expect(readFileSync(join(FIXTURES_DIR, "taxes", file), "utf8"), file).toBe(serialize(body));
    }
  });

  describe.each(fixtureFiles)("%s", (file) => {
    const stored = readJson<OrderFixture>(join(ORDERS_DIR, file));
    // An invoice in the customer's currency is made of presentmentMoney: check and compare that bag.
    const fx = { ...stored, order: orderInBag(stored.order, stored.settings.currency?.bag ?? "shop") };
    const taxes = loadTaxes(fx.taxes);

    it("has consistent Shopify numbers", () => {
      checkShopifyNumbers(fx.order);
    });

    if (fx.expect.error) {
      const { code, message } = fx.expect.error;
      it(`fails with ${code}`, () => {
        const err = mappingError(() => mapFixture(fx));
        expect(err.code).toBe(code);
        expect(err.message).toContain(message);
      });
      return;
    }

    it("maps to a Zoho invoice whose total (simulator model) equals Shopify's", () => {
      const { payload, expectedTotal, currencyCode } = mapFixture(fx);
      expect(currencyCode).toBe(fx.order.currencyCode);
      expect(expectedTotal).toBe(fx.expect.total);
      // What the customer keeps (currentTotalPriceSet), or as sold once refunded (mapping/kept.ts).
      const invoiced = invoicesCurrentState(fx.order) ? fx.order.currentTotalPriceSet : fx.order.totalPriceSet;
      expect(expectedTotal).toBe(invoiced.shopMoney.amount);
      const zoho = zohoTotals(payload, taxes, fx.settings.pricePrecision);
      expect(zoho.total.eq(expectedTotal)).toBe(true);
      expect(predictZohoTotal(payload, tableOf(taxes), fx.settings.pricePrecision).eq(zoho.total)).toBe(true);
    });

    it("with Zoho's line discounts instead of negative lines: no negative line, the same tax and total to the cent", () => {
      const negative = mapFixture(fx);
      const lines = mapOrderToInvoice(parsePaidOrder(fx.order), tableOf(taxes), {
        ...fx.settings,
        discountStyle: "lines",
      });
      expect(lines.payload.line_items.every((l) => l.rate >= 0)).toBe(true);
      expect(lines.expectedTotal).toBe(fx.expect.total);
      const pp = fx.settings.pricePrecision;
      for (const rounding of ["line", "invoice"] as const) {
        // Both styles tax the same discounted amounts: Zoho's tax is the same whichever is sent.
        const a = zohoTotals({ ...lines.payload, adjustment: 0 }, taxes, pp, rounding);
        const b = zohoTotals({ ...negative.payload, adjustment: 0 }, taxes, pp, rounding);
        expect(a.tax_total.minus(b.tax_total).abs().lte(minorUnit(pp).times(negative.payload.line_items.length))).toBe(
          true,
        );
      }
      const zoho = zohoTotals(lines.payload, taxes, pp);
      expect(zoho.total.eq(lines.expectedTotal)).toBe(true);
      expect(predictZohoTotal(lines.payload, tableOf(taxes), pp).eq(zoho.total)).toBe(true);
      const discounted = lines.payload.line_items.filter((l) => l.discount !== undefined);
      expect(discounted.length > 0).toBe(negative.payload.line_items.some((l) => l.rate < 0));
      if (discounted.length)
        expect(lines.payload).toMatchObject({ discount_type: "item_level", is_discount_before_tax: true });
    });

    it("carries every amount, with the tax of each line's rate", () => {
      const { payload } = mapFixture(fx);
      const table = tableOf(taxes);
      const byId = new Map(table.map((t) => [t.tax_id, t]));
      const pp = fx.settings.pricePrecision;
      const lines = payload.line_items;
      const current = invoicesCurrentState(fx.order);
      const kept = (li: (typeof fx.order.lineItems.nodes)[number]) => (current ? li.currentQuantity : li.quantity);
      const items = fx.order.lineItems.nodes.filter((li) => kept(li) > 0);
      const tipItem = (li: (typeof items)[number]) => !li.requiresShipping && /^tip$/i.test(li.title);
      const tipOnly = money(fx.order.totalTipReceivedSet).gt(0) && !items.some(tipItem);
      const shipping = fx.order.shippingLines.nodes;
      const nDiscount = lines.length - items.length - shipping.length - (tipOnly ? 1 : 0);
      const itemLines = lines.slice(0, items.length);
      const discountLines = lines
        .slice(items.length, items.length + nDiscount)
        .filter((l) => l.name.startsWith("Discount"));
      const shipLines = lines.slice(
        items.length + discountLines.length,
        items.length + discountLines.length + shipping.length,
      );
      const shipDiscountLines = lines.filter((l) => l.name.startsWith("Shipping discount"));

      const taxPercentOf = (taxId?: string) => (taxId ? effectivePercent(byId.get(taxId)!) : new Decimal(0));
      const untaxed = (li: { taxLines: unknown[]; taxable?: boolean; isGiftCard?: boolean }) =>
        fx.order.taxExempt || li.taxLines.length === 0 || li.taxable === false || li.isGiftCard === true;
      items.forEach((li, i) => {
        const line = itemLines[i]!;
        expect(line.quantity).toBe(kept(li));
        expect(new Decimal(line.rate).eq(roundHalfUp(money(li.originalUnitPriceSet), pp))).toBe(true);
        if (untaxed(li)) expect(line.tax_id, li.name).toBeUndefined();
        else
          expect(
            taxPercentOf(line.tax_id)
              .minus(sum(li.taxLines.map(taxLinePercent)))
              .abs()
              .lte("0.001"),
            li.name,
          ).toBe(true);
      });
      shipping.forEach((sl, i) => {
        const line = shipLines[i]!;
        expect(new Decimal(line.rate).eq(money(sl.originalPriceSet))).toBe(true);
        if (untaxed(sl)) expect(line.tax_id).toBeUndefined();
        else
          expect(
            taxPercentOf(line.tax_id)
              .minus(sum(sl.taxLines.map(taxLinePercent)))
              .abs()
              .lte("0.001"),
          ).toBe(true);
      });
      // Discounts: negative lines that add up to the allocations, each carrying a tax its lines carry.
      // (an edited line: the kept units' share of them, mapping/kept.ts)
      const itemAllocations = sum(
        items.flatMap((li) =>
          li.discountAllocations.map((a) =>
            keptShare(money(a.allocatedAmountSet), kept(li), li.quantity, currencyDecimals(fx.order.currencyCode)),
          ),
        ),
      );
      const shipAllocations = sum(
        shipping.flatMap((s) => s.discountAllocations.map((a) => money(a.allocatedAmountSet))),
      );
      expect(
        sum(discountLines.map((l) => new Decimal(l.rate)))
          .negated()
          .eq(itemAllocations),
      ).toBe(true);
      expect(
        sum(shipDiscountLines.map((l) => new Decimal(l.rate)))
          .negated()
          .eq(shipAllocations),
      ).toBe(true);
      const itemTaxIds = new Set(itemLines.map((l) => l.tax_id));
      const shipTaxIds = new Set(shipLines.map((l) => l.tax_id));
      for (const l of discountLines) {
        expect(l.rate).toBeLessThan(0);
        expect(l.quantity).toBe(1);
        expect(itemTaxIds.has(l.tax_id)).toBe(true);
      }
      for (const l of shipDiscountLines) expect(shipTaxIds.has(l.tax_id)).toBe(true);
      // The "Rounding" adjustment only absorbs rounding, never a missing amount.
      const adjustment = new Decimal(payload.adjustment ?? 0);
      expect(
        adjustment.abs().lte(minorUnit(Math.min(pp, currencyDecimals(fx.order.currencyCode))).times(lines.length)),
      ).toBe(true);
      if (fx.order.taxesIncluded) expect(adjustment.isZero()).toBe(true); // inclusive totals need no rounding
      if (!adjustment.isZero()) expect(payload.adjustment_description).toBe(ROUNDING_DESCRIPTION);
    });

    it("fills the invoice header and respects Zoho's field limits", () => {
      const { payload } = mapFixture(fx);
      expect(payload.reference_number).toBe(fx.order.name);
      expect(payload.is_inclusive_tax).toBe(fx.order.taxesIncluded);
      expect(payload.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (fx.expect.date) expect(payload.date).toBe(fx.expect.date);
      // The order note reaches the customer-facing invoice only when the merchant turned that on.
      expect(payload.notes).toBeUndefined();
      if (fx.expect.notes !== undefined) {
        const printed = mapOrderToInvoice(parsePaidOrder(fx.order), tableOf(loadTaxes(fx.taxes)), {
          ...fx.settings,
          printOrderNote: true,
        });
        expect(printed.payload.notes).toBe(fx.expect.notes);
      }
      payload.line_items.forEach((l, i) => {
        expect(l.name.length).toBeLessThanOrEqual(100);
        expect((l.description ?? "").length).toBeLessThanOrEqual(2000);
        expect(l.quantity).toBeGreaterThan(0);
        expect(l.item_order).toBe(i + 1);
      });
      if (fx.expect.lines) {
        const names = new Map(tableOf(taxes).map((t) => [t.tax_id, t.tax_name]));
        expect(payload.line_items.map((l) => [l.name, l.tax_id ? names.get(l.tax_id) : null])).toEqual(fx.expect.lines);
      }
    });
  });
});

// ------------------------------------------------------------------------------ rules one by one

const load = (file: string) => readJson<OrderFixture>(join(ORDERS_DIR, file));
const clone = <T>(v: T): T => structuredClone(v);

describe("mapOrderToInvoice rules", () => {
  it("uses shop money only: presentment amounts do not change the invoice", () => {
    const fx = load("ref-1029-multi-currency-shipping.json");
    const order = clone(fx.order);
    for (const li of order.lineItems.nodes) li.originalUnitPriceSet.presentmentMoney.amount = "1.00";
    order.totalPriceSet.presentmentMoney.amount = "1.00";
    const mapped = mapOrderToInvoice(order, tableOf(loadTaxes(fx.taxes)), fx.settings);
    expect(mapped.payload).toEqual(mapFixture(fx).payload);
    expect(mapped.expectedTotal).toBe(mapFixture(fx).expectedTotal);
    expect(mapFixture(fx).payload.line_items[0]!.rate).toBe(45.62);
  });

  describe("in the customer's currency (presentmentMoney, ADR 020)", () => {
    const presentment = [
      "presentment-eur-shop-usd-customer.json",
      "presentment-jpy-customer.json",
      "presentment-kwd-customer.json",
    ];

    it.each(presentment)("%s: every amount, the total to the minor unit, currency_id and exchange_rate", (file) => {
      const fx = load(file);
      const chosen = { ...fx.settings.currency!, currencyId: "460000000000777" };
      const taxes = loadTaxes(fx.taxes);
      const mapped = mapOrderToInvoice(fx.order, tableOf(taxes), { ...fx.settings, currency: chosen });
      const paid = fx.order.totalPriceSet.presentmentMoney;
      expect(mapped.currencyCode).toBe(paid.currencyCode);
      expect(mapped.expectedTotal).toBe(paid.amount);
      expect(mapped.customerPaid).toEqual({ amount: paid.amount, currencyCode: paid.currencyCode });
      expect(mapped.payload).toMatchObject({
        currency_id: "460000000000777",
        exchange_rate: Number(chosen.exchangeRate),
      });
      // Zoho's total (simulator model) is what the customer paid, in that currency's minor units.
      const zoho = zohoTotals(mapped.payload, taxes, fx.settings.pricePrecision);
      expect(zoho.total.toFixed(currencyDecimals(paid.currencyCode))).toBe(paid.amount);
      // The product lines carry the presentment unit prices, not the shop's.
      fx.order.lineItems.nodes.forEach((li, i) =>
        expect(mapped.payload.line_items[i]!.rate).toBe(Number(li.originalUnitPriceSet.presentmentMoney.amount)),
      );
    });

    it.each(presentment)("%s: in the shop's money it is the shop total, in the shop currency", (file) => {
      const fx = load(file);
      const shop = mapOrderToInvoice(fx.order, tableOf(loadTaxes(fx.taxes)), {
        ...fx.settings,
        pricePrecision: currencyDecimals(fx.order.currencyCode),
        currency: { bag: "shop", currencyCode: fx.order.currencyCode },
      });
      expect(shop.currencyCode).toBe(fx.order.currencyCode);
      expect(shop.expectedTotal).toBe(fx.order.totalPriceSet.shopMoney.amount);
      expect(shop.exchangeRate).toBe("1");
      expect(shop.payload.exchange_rate).toBe(1);
    });

    it("a currency other than the organization's needs an exchange rate", () => {
      const fx = load("presentment-eur-shop-usd-customer.json");
      const { exchangeRate: _omitted, ...noRate } = fx.settings.currency!;
      const err = mappingError(() =>
        mapOrderToInvoice(fx.order, tableOf(loadTaxes(fx.taxes)), { ...fx.settings, currency: noRate }),
      );
      expect(err.code).toBe("exchange_rate_missing");
      expect(err.message).toContain("USD");
    });

    it("the invoice currency must be the chosen bag's, and every bag needs its presentment amount", () => {
      const fx = load("presentment-eur-shop-usd-customer.json");
      const table = tableOf(loadTaxes(fx.taxes));
      const wrong = { ...fx.settings, currency: { ...fx.settings.currency!, currencyCode: "GBP" } };
      expect(mappingError(() => mapOrderToInvoice(fx.order, table, wrong)).code).toBe("malformed_order");
      const order = clone(fx.order) as PaidOrder & { shippingLines: { nodes: Array<Record<string, unknown>> } };
      delete (order.shippingLines.nodes[0]!.originalPriceSet as Record<string, unknown>).presentmentMoney;
      const err = mappingError(() => mapOrderToInvoice(order, table, fx.settings));
      expect(err.code).toBe("malformed_order");
      expect(err.message).toContain("customer's currency");
    });

    it("without a currency choice, an organization in another currency is still refused (v1 callers)", () => {
      const fx = load("presentment-eur-shop-usd-customer.json");
      const { currency: _none, ...v1 } = fx.settings;
      const err = mappingError(() =>
        mapOrderToInvoice(fx.order, tableOf(loadTaxes(fx.taxes)), { ...v1, organizationCurrency: "USD" }),
      );
      expect(err.code).toBe("currency_mismatch");
    });
  });

  it("derives discounts from discountAllocations only (discountedTotalSet and totalShippingPriceSet are traps)", () => {
    const fx = load("combined-discounts.json");
    const order = clone(fx.order);
    for (const li of order.lineItems.nodes) {
      li.discountedTotalSet.shopMoney.amount = "0.00";
      li.totalDiscountSet.shopMoney.amount = "999.00";
    }
    order.totalShippingPriceSet.shopMoney.amount = "0.00";
    order.totalDiscountsSet = null;
    order.subtotalPriceSet = null;
    expect(mapOrderToInvoice(order, tableOf(loadTaxes(fx.taxes)), fx.settings)).toEqual(mapFixture(fx));
  });

  it("invoices totalPriceSet (what was charged), not currentTotalPriceSet after refunds (a credit note's job)", () => {
    const fx = load("refunded-after-payment.json");
    expect(fx.order.displayFinancialStatus).toBe("PARTIALLY_REFUNDED");
    expect(fx.order.currentTotalPriceSet.shopMoney.amount).not.toBe(fx.order.totalPriceSet.shopMoney.amount);
    expect(mapFixture(fx).expectedTotal).toBe(fx.order.totalPriceSet.shopMoney.amount);
  });

  describe("an order edited before payment: what the customer keeps", () => {
    const fx = load("edited-before-payment.json");
    const mapped = mapFixture(fx);
    const lines = mapped.payload.line_items;

    it("invoices currentQuantity: a removed line gets no line, a lowered one its kept units", () => {
      const products = lines.filter((l) => !l.name.startsWith("Discount") && !l.name.startsWith("Shipping"));
      expect(products.map((l) => [l.name, l.quantity, l.rate])).toEqual([
        ["Mug", 2, 20],
        ["Spoon", 2, 3.5],
      ]);
    });

    it("takes off only the discount allocated to the kept units, and totals currentTotalPriceSet to the cent", () => {
      expect(mapped.expectedTotal).toBe(fx.order.currentTotalPriceSet.shopMoney.amount);
      expect(mapped.expectedTotal).not.toBe(fx.order.totalPriceSet.shopMoney.amount);
      // 10% of the kept 2 × 20.00 + 2 × 3.50; Shopify's allocations also cover the removed teapot and mug.
      expect(lines.filter((l) => l.name.startsWith("Discount")).map((l) => l.rate)).toEqual([-4.7]);
      const predicted = predictZohoTotal(mapped.payload, tableOf(loadTaxes(fx.taxes)), fx.settings.pricePrecision);
      expect(predicted.toFixed(2)).toBe(mapped.expectedTotal);
    });

    it("prorates a lowered line's amounts half-up to the currency's decimals", () => {
      // 3 mugs, 10.00 allocated: the 2 kept carry 6.67 (6.666… half-up); 0.375 yen-like at 0 decimals → 0.
      expect(keptShare(new Decimal("10.00"), 2, 3, 2).toFixed(2)).toBe("6.67");
      expect(keptShare(new Decimal("0.25"), 1, 2, 2).toFixed(2)).toBe("0.13");
      expect(keptShare(new Decimal("1"), 1, 3, 0).toFixed(0)).toBe("0");
      expect(keptShare(new Decimal("9.99"), 3, 3, 2).toFixed(2)).toBe("9.99");
    });

    it("a refunded order is invoiced as sold: its current* figures are the credit notes' business", () => {
      const order = clone(fx.order);
      order.displayFinancialStatus = "PARTIALLY_REFUNDED";
      const sold = mapOrderToInvoice(order, tableOf(loadTaxes(fx.taxes)), fx.settings);
      expect(sold.expectedTotal).toBe(fx.order.totalPriceSet.shopMoney.amount);
      expect(sold.payload.line_items.find((l) => l.name === "Teapot")?.quantity).toBe(1);
    });

    it("an order never edited maps the same with or without the current* fields (preview input)", () => {
      const plain = load("line-discount-code.json");
      const order = clone(plain.order) as unknown as Record<string, unknown>;
      delete order.currentTotalPriceSet;
      for (const li of (order.lineItems as { nodes: Array<Record<string, unknown>> }).nodes) delete li.currentQuantity;
      expect(mapOrderToInvoice(parsePaidOrder(order), tableOf(loadTaxes(plain.taxes)), plain.settings)).toEqual(
        mapFixture(plain),
      );
    });
  });

  it("splits an order discount into one negative line per tax rate, named after the code", () => {
    const { payload } = mapFixture(load("order-percentage-discount-mixed-rates.json"));
    const discounts = payload.line_items.filter((l) => l.name.startsWith("Discount"));
    expect(discounts.map((d) => [d.name, d.rate])).toEqual([
      ["Discount SUMMER10 (22%)", -2],
      ["Discount SUMMER10 (10%)", -2.58],
      ["Discount SUMMER10 (4%)", -2.4],
    ]);
    expect(discounts[0]!.description).toBe("Discount code SUMMER10: 10% off — on lines with 22% IVA 22");
  });

  it("invoices a tip once, whether or not it is also a line item", () => {
    const only = mapFixture(load("tip-in-total-only.json")).payload.line_items;
    expect(only.filter((l) => l.name === "Tip").map((l) => [l.rate, l.tax_id])).toEqual([[5, undefined]]);
    const asLine = mapFixture(load("tip-as-line-item.json")).payload.line_items;
    expect(asLine.filter((l) => /tip/i.test(l.name))).toHaveLength(1);
  });

  it("adds a tip line when a 'Tip' product does not account for the tip", () => {
    const order = buildOrder({
      name: "#9001",
      currency: "USD",
      taxesIncluded: false,
      processedAt: "2026-01-01T10:00:00Z",
      tip: "2.00",
      lines: [{ title: "Tip jar sticker", quantity: 1, price: "3.00", requiresShipping: false }],
    });
    const lines = mapOrderToInvoice(order, [], { pricePrecision: 2, organizationCurrency: "USD" }).payload.line_items;
    expect(lines.map((l) => [l.name, l.rate])).toEqual([
      ["Tip jar sticker", 3],
      ["Tip", 2],
    ]);
  });

  it("keeps gift-card purchases untaxed and treats gift-card payments as payments", () => {
    const purchase = mapFixture(load("gift-card-purchase.json"));
    const card = purchase.payload.line_items[0]!;
    expect(card.tax_id).toBeUndefined();
    expect(card.description).toContain("Gift card");
    expect(purchase.taxChoices[0]!.reason).toBe("untaxed: gift card");
    const payment = mapFixture(load("gift-card-payment.json"));
    expect(payment.payload.line_items.every((l) => l.rate >= 0)).toBe(true);
    expect(payment.expectedTotal).toBe("129.57");
  });

  it("truncates long names and keeps the full title, variant and SKU in the description", () => {
    const fx = load("long-product-name.json");
    const line = mapFixture(fx).payload.line_items[0]!;
    const li = fx.order.lineItems.nodes[0]!;
    expect(line.name).toHaveLength(100);
    expect(line.name.endsWith("…")).toBe(true);
    expect(line.description).toBe(`${li.title}\nVariant: ${li.variantTitle}\nSKU: ${li.sku}`);
  });

  it("links lines to Zoho items by SKU when known", () => {
    const lines = mapFixture(load("items-linked-by-sku.json")).payload.line_items;
    expect(lines.map((l) => l.item_id)).toEqual(["460000000099001", undefined]);
  });

  it("explains each tax choice", () => {
    const choices = mapFixture(load("tie-break-duplicate-rates.json")).taxChoices;
    expect(choices[0]).toMatchObject({ line: "Grembiule", ratePercent: "22", taxName: "IVA 22%" });
    expect(choices[0]!.reason).toContain('name matches the Shopify tax "IVA"');
    const exempt = mapFixture(load("tax-exempt-customer.json")).taxChoices;
    expect(exempt.map((c) => [c.taxId, c.reason])).toEqual([
      ["", "untaxed: the order is tax-exempt"],
      ["", "untaxed: the order is tax-exempt"],
    ]);
  });

  it("leaves a 0% line untaxed unless Zoho has a 0% tax", () => {
    const spec: OrderSpec = {
      name: "#9002",
      currency: "EUR",
      taxesIncluded: true,
      processedAt: "2026-01-01T10:00:00Z",
      lines: [{ title: "Export", quantity: 1, price: "10.00", taxes: [{ title: "IVA", percent: "0" }] }],
    };
    const settings = { pricePrecision: 2, organizationCurrency: "EUR" };
    const it22: ZohoTaxTableEntry = {
      tax_id: "1",
      tax_name: "IVA 22",
      tax_percentage: 22,
      tax_type: "tax",
      is_default_tax: true,
    };
    const zero: ZohoTaxTableEntry = {
      tax_id: "2",
      tax_name: "Non imponibile",
      tax_percentage: 0,
      tax_type: "tax",
      is_default_tax: false,
    };
    expect(mapOrderToInvoice(buildOrder(spec), [it22], settings).payload.line_items[0]!.tax_id).toBeUndefined();
    expect(mapOrderToInvoice(buildOrder(spec), [it22, zero], settings).payload.line_items[0]!.tax_id).toBe("2");
  });

  it("skips lines whose quantity was edited down to 0", () => {
    const fx = load("eu-vat-inclusive-mixed.json");
    const order = clone(fx.order);
    const removed = clone(order.lineItems.nodes[0]!);
    removed.quantity = 0;
    removed.name = "Removed";
    removed.taxLines = removed.taxLines.map((t) => ({
      ...t,
      priceSet: { ...t.priceSet, shopMoney: { ...t.priceSet.shopMoney, amount: "0.00" } },
    }));
    order.lineItems.nodes.push(removed);
    const names = mapOrderToInvoice(order, tableOf(loadTaxes(fx.taxes)), fx.settings).payload.line_items.map(
      (l) => l.name,
    );
    expect(names).not.toContain("Removed");
  });

  it("refuses an order whose total has money the lines do not explain (duties, fees)", () => {
    const fx = load("us-ny-three-tax-lines.json");
    const order = clone(fx.order);
    order.currentTotalPriceSet.shopMoney.amount = new Decimal(order.currentTotalPriceSet.shopMoney.amount)
      .plus("12.50")
      .toFixed(2);
    const err = mappingError(() => mapOrderToInvoice(order, tableOf(loadTaxes(fx.taxes)), fx.settings));
    expect(err.code).toBe("unsupported_order");
    expect(err.message).toContain("differs by 12.50");
  });

  it.each<[string, (o: PaidOrder) => void, string]>([
    [
      "an amount in another currency",
      (o) => {
        o.lineItems.nodes[0]!.originalUnitPriceSet.shopMoney.currencyCode = "GBP";
      },
      "not the shop currency EUR",
    ],
    [
      "a non-numeric amount",
      (o) => {
        o.currentTotalPriceSet.shopMoney.amount = "12,50";
      },
      "invalid amount for the order total",
    ],
    [
      "a negative quantity",
      (o) => {
        o.lineItems.nodes[0]!.quantity = -1;
      },
      "invalid quantity",
    ],
    [
      "no lines at all",
      (o) => {
        o.lineItems.nodes = [];
        o.shippingLines.nodes = [];
      },
      "has no lines to invoice",
    ],
    [
      "a bad processedAt",
      (o) => {
        o.processedAt = "yesterday";
      },
      "invalid processing date",
    ],
    [
      "a tax line without a rate",
      (o) => {
        o.lineItems.nodes[0]!.taxLines[0]!.ratePercentage = null;
        o.lineItems.nodes[0]!.taxLines[0]!.rate = null;
      },
      "has no rate",
    ],
  ])("refuses %s as malformed", (_label, mutate, message) => {
    const fx = load("eu-vat-inclusive-mixed.json");
    const order = clone(fx.order);
    mutate(order);
    const err = mappingError(() => mapOrderToInvoice(order, tableOf(loadTaxes(fx.taxes)), fx.settings));
    expect(err.code).toBe("malformed_order");
    expect(err.message).toContain(message);
  });

  it("rejects settings outside Zoho's range", () => {
    const fx = load("eu-vat-inclusive-mixed.json");
    expect(() => mapOrderToInvoice(fx.order, [], { ...fx.settings, pricePrecision: 4 })).toThrow(RangeError);
    expect(() =>
      mapOrderToInvoice(fx.order, tableOf(loadTaxes(fx.taxes)), { ...fx.settings, timezone: "Mars/Olympus" }),
    ).toThrow(/Unknown timezone/);
  });

  it("is deterministic and does not mutate its input", () => {
    const fx = load("combined-discounts.json");
    const before = serialize(fx.order);
    expect(mapFixture(fx)).toEqual(mapFixture(fx));
    expect(serialize(fx.order)).toBe(before);
  });
});

describe("predictZohoTotal", () => {
  const nyc: ZohoTaxTableEntry = {
    tax_id: "g",
    tax_name: "NYC Sales Tax",
    tax_percentage: 8.875,
    tax_type: "tax_group",
    is_default_tax: false,
    members: [
      { tax_id: "s", tax_name: "State", tax_percentage: 4, tax_type: "tax" },
      { tax_id: "c", tax_name: "City", tax_percentage: 4.5, tax_type: "tax" },
      { tax_id: "m", tax_name: "MCTD", tax_percentage: 0.375, tax_type: "tax" },
    ],
  };

  it("rounds a group's members separately, like the simulator (7.00 → 0.28 + 0.32 + 0.03)", () => {
    const payload = { is_inclusive_tax: false, line_items: [{ name: "x", rate: 7, quantity: 1, tax_id: "g" }] };
    expect(predictZohoTotal(payload, [nyc], 2).toFixed(2)).toBe("7.63");
    expect(predictZohoTotal(payload, [{ ...nyc, members: undefined }], 2).toFixed(2)).toBe("7.62");
  });

  it("rounds rates to the price precision first and adds the adjustment last", () => {
    const payload = {
      is_inclusive_tax: true,
      adjustment: -0.4,
      line_items: [{ name: "x", rate: 12345.545, quantity: 2 }],
    };
    expect(predictZohoTotal(payload, [], 2).toFixed(2)).toBe("24690.70");
  });

  it("refuses a tax id that is not in the table", () => {
    expect(() =>
      predictZohoTotal(
        { is_inclusive_tax: false, line_items: [{ name: "x", rate: 1, quantity: 1, tax_id: "nope" }] },
        [],
        2,
      ),
    ).toThrow(/nope/);
  });
});

describe("truncate", () => {
  it.each([
    ["short", 10, "short"],
    ["exactly ten", 11, "exactly ten"],
    ["a".repeat(150), 100, `${"a".repeat(99)}…`],
    ["word word word", 10, "word word…"],
  ])("%s → %s", (text, max, expected) => {
    expect(truncate(text, max)).toBe(expected);
  });

  it("never splits an emoji or a combined character", () => {
    const text = `${"x".repeat(97)}👩‍👩‍👧e\u0301`;
    const out = truncate(text, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out).toBe(`${"x".repeat(97)}…`);
  });
});

describe("invoiceDate", () => {
  it.each([
    ["2026-03-31T23:30:00Z", undefined, "2026-03-31"],
    ["2026-03-31T23:30:00Z", "Australia/Sydney", "2026-04-01"],
    ["2026-04-01T02:00:00Z", "America/Los_Angeles", "2026-03-31"],
    ["2008-01-10T11:00:00-05:00", undefined, "2008-01-10"],
    ["2026-01-01T00:30:00+01:00", undefined, "2026-01-01"],
    ["2026-01-01T00:30:00+01:00", "UTC", "2025-12-31"],
    ["2026-06-30T22:15:00.123Z", "Europe/Rome", "2026-07-01"],
  ])("%s in %s → %s", (at, tz, expected) => {
    expect(invoiceDate(at, tz)).toBe(expected);
  });
});

describe("parsePaidOrder", () => {
  it("accepts a fixture order and the reference query's output (without isGiftCard/requiresShipping)", () => {
    const order = clone(load("ref-1006-two-tax-lines.json").order) as unknown as Record<string, unknown> & PaidOrder;
    for (const li of order.lineItems.nodes as unknown as Array<Record<string, unknown>>) {
      delete li.isGiftCard;
      delete li.requiresShipping;
    }
    expect(parsePaidOrder(order)).toEqual(order);
  });

  it.each([
    [null, "the order"],
    [{}, "name"],
    [{ ...load("ref-1006-two-tax-lines.json").order, lineItems: { nodes: "x" } }, "lineItems.pageInfo"],
  ])("names the first bad field (%#)", (value, where) => {
    const err = mappingError(() => parsePaidOrder(value));
    expect(err.code).toBe("malformed_order");
    expect(err.message).toContain(where);
  });
});
