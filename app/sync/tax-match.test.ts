import { describe, expect, it } from "vitest";
import type { ZohoTaxTableEntry } from "~/zoho/types";
import { MappingError } from "./errors";
import { Decimal } from "./money";
import {
  buildTaxTable,
  compareTaxIds,
  effectivePercent,
  matchTax,
  shopifyTaxesKey,
  taxCoefficients,
  taxLinePercent,
} from "./tax-match";

const entry = (
  tax_id: string,
  tax_name: string,
  tax_percentage: number,
  extra: Partial<ZohoTaxTableEntry> = {},
): ZohoTaxTableEntry => ({
  tax_id,
  tax_name,
  tax_percentage,
  tax_type: "tax",
  is_default_tax: false,
  ...extra,
});
const rates = (...pairs: Array<[string, string]>) =>
  pairs.map(([title, percent]) => ({ title, percent: new Decimal(percent) }));

const TABLE: ZohoTaxTableEntry[] = [
  entry("100", "IVA 22", 22, { is_default_tax: true }),
  entry("101", "IVA 10", 10),
  entry("102", "IVA 4", 4),
  entry("200", "New York State", 4),
  entry("201", "New York City", 4.5),
  entry("202", "MCTD", 0.375),
  entry("300", "NYC Sales Tax", 8.875, {
    tax_type: "tax_group",
    members: [
      { tax_id: "200", tax_name: "New York State", tax_percentage: 4, tax_type: "tax" },
      { tax_id: "201", tax_name: "New York City", tax_percentage: 4.5, tax_type: "tax" },
      { tax_id: "202", tax_name: "MCTD", tax_percentage: 0.375, tax_type: "tax" },
    ],
  }),
  entry("400", "GST", 5),
  entry("401", "QST", 9.975),
  entry("402", "GST + QST", 14.975, { tax_type: "tax_group" }), // listed without members
];

describe("matchTax", () => {
  it.each<[string, Array<[string, string]>, string]>([
    ["one rate", [["IVA", "22"]], "100"],
    ["another rate", [["IVA", "10"]], "101"],
    ["a rate inside a group is the member, not the group", [["New York State Tax", "4"]], "200"],
    ["same percentage as another tax: the name containing the Shopify title wins", [["IVA", "4"]], "102"],
    [
      "state + city + district → the group",
      [
        ["NY State", "4"],
        ["NY City", "4.5"],
        ["MCTD", "0.375"],
      ],
      "300",
    ],
    [
      "GST + QST → the group (no member details)",
      [
        ["GST", "5"],
        ["QST", "9.975"],
      ],
      "402",
    ],
    ["within 0.001 points", [["IVA", "21.9991"]], "100"],
    ["float noise from Shopify", [["QST", "9.975000000000001"]], "401"],
  ])("%s", (_label, given, taxId) => {
    expect(matchTax(rates(...given), TABLE).entry.tax_id).toBe(taxId);
  });

  it("reports the summed percentage", () => {
    expect(matchTax(rates(["a", "4"], ["b", "4.5"], ["c", "0.375"]), TABLE).percent.toFixed()).toBe("8.875");
  });

  it.each<[string, Array<[string, string]>, string]>([
    ["an unknown single rate", [["IVA", "6"]], "No Zoho tax of 6% — add it in Zoho Books › Settings › Taxes"],
    ["just outside the tolerance", [["IVA", "21.998"]], "No Zoho tax of 21.998%"],
    [
      "an unknown combination",
      [
        ["State", "4"],
        ["County", "4.25"],
      ],
      "No Zoho tax or tax group of 8.25% (State 4% + County 4.25%) — add a tax group of those taxes in Zoho Books › Settings › Taxes",
    ],
  ])("refuses %s with a merchant sentence", (_label, given, message) => {
    let error: unknown;
    try {
      matchTax(rates(...given), TABLE);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MappingError);
    expect((error as MappingError).code).toBe("unknown_tax_rate");
    expect((error as MappingError).message).toContain(message);
  });

  describe("ties between taxes of the same percentage", () => {
    const tied = [
      entry("9000000000000000003", "Old VAT", 22),
      entry("9000000000000000002", "Standard", 22, { is_default_tax: true }),
      entry("9000000000000000010", "IVA 22%", 22),
      entry("9000000000000000001", "Legacy", 22),
    ];

    it("prefers the name matching the Shopify title", () => {
      const m = matchTax(rates(["IVA", "22"]), tied);
      expect(m.entry.tax_name).toBe("IVA 22%");
      expect(m.reason).toBe('4 Zoho taxes at 22%; name matches the Shopify tax "IVA"');
    });

    it("prefers an exact name over a name that only contains the title", () => {
      const m = matchTax(rates(["VAT", "22"]), [...tied, entry("9000000000000000099", "VAT", 22)]);
      expect(m.entry.tax_id).toBe("9000000000000000099");
    });

    it("then the organization's default tax", () => {
      const m = matchTax(rates(["Sales tax", "22"]), tied);
      expect(m.entry.tax_name).toBe("Standard");
      expect(m.reason).toContain("default tax");
    });

    it("then the lowest tax_id, compared as a number beyond 2^53", () => {
      const noDefault = tied.map((t) => ({ ...t, is_default_tax: false }));
      const m = matchTax(rates(["Sales tax", "22"]), noDefault);
      expect(m.entry.tax_name).toBe("Legacy");
      expect(m.reason).toContain("lowest tax_id");
    });

    it("matches several titles against a group name containing them all", () => {
      const groups = [
        entry("5", "PST + GST (BC)", 12, { tax_type: "tax_group" }),
        entry("4", "Combined 12", 12, { tax_type: "tax_group" }),
      ];
      expect(matchTax(rates(["GST", "5"], ["PST", "7"]), groups).entry.tax_id).toBe("5");
    });

    it("explains a single candidate", () => {
      expect(matchTax(rates(["IVA", "10"]), TABLE).reason).toBe("only Zoho tax at 10%");
    });
  });
});

describe("matchTax: a combined rate maps to the tax authority, not only the percentage", () => {
  const member = (tax_id: string, tax_name: string, tax_percentage: number) => ({
    tax_id,
    tax_name,
    tax_percentage,
    tax_type: "tax" as const,
  });
  const group = (id: string, name: string, members: ReturnType<typeof member>[]) =>
    entry(
      id,
      name,
      members.reduce((s, m) => s + m.tax_percentage, 0),
      { tax_type: "tax_group", members },
    );
  const state = member("1", "CA State Tax", 6);
  const la = group("10", "Sales tax 9.5 A", [state, member("2", "Los Angeles County Tax", 3.5)]);
  const orange = group("11", "Sales tax 9.5 B", [state, member("3", "Orange County Tax", 3.5)]);
  const flat = entry("12", "Sales tax 9.5", 9.5);
  const laLines = rates(["CA State Tax", "6"], ["Los Angeles County Tax", "3.5"]);

  it("the group whose members carry Shopify's tax names wins over one of the same rates", () => {
    const m = matchTax(laLines, [orange, flat, la]);
    expect(m.entry.tax_id).toBe("10");
    expect(m.reason).toBe(
      '3 Zoho taxes at 9.5%; its taxes are the Shopify taxes "CA State Tax + Los Angeles County Tax"',
    );
  });

  it("then a group whose members have the same rates wins over a single tax of the sum", () => {
    const m = matchTax(rates(["State", "6"], ["District", "3.5"]), [flat, orange]);
    expect(m.entry.tax_id).toBe("11");
    expect(m.reason).toContain("have the rates of");
  });

  it("two equally good candidates: ambiguous_tax naming them, never the default or the lowest id", () => {
    let error: unknown;
    try {
      matchTax(rates(["State", "6"], ["District", "3.5"]), [la, { ...orange, is_default_tax: true }, flat]);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({
      code: "ambiguous_tax",
      message:
        'Several Zoho taxes fit the Shopify taxes "State + District" (9.5%): "Sales tax 9.5 B", "Sales tax 9.5 A" — choose the right one in Settings › Taxes, then retry the order.',
      details: { shopifyTaxes: "State + District", candidates: "11,10" },
    });
  });

  it("the merchant's choice in Settings decides while it still has the percentage", () => {
    const lines = rates(["State", "6"], ["District", "3.5"]);
    const mappings = { [shopifyTaxesKey(lines)]: "10" };
    expect(matchTax(lines, [la, orange], { mappings })).toMatchObject({
      entry: { tax_id: "10" },
      reason: 'chosen in Settings for "State + District"',
    });
    const changed = { ...la, tax_percentage: 10, members: [state, member("2", "Los Angeles County Tax", 4)] };
    // The chosen group is 10.5 % now: the rule picks among the taxes that fit again.
    expect(matchTax(lines, [changed, orange, flat], { mappings }).entry.tax_id).toBe("11");
    expect(() => matchTax(lines, [changed, orange, { ...orange, tax_id: "13" }], { mappings })).toThrow(
      /Several Zoho taxes fit/,
    );
  });

  it("a single rate keeps the deterministic tie-break (name, default tax, lowest id)", () => {
    expect(matchTax(rates(["Sales", "9.5"]), [la, orange]).entry.tax_id).toBe("10");
  });
});

describe("effectivePercent / taxCoefficients", () => {
  it("a simple group is the sum of its members", () => {
    expect(effectivePercent(TABLE.find((t) => t.tax_id === "300")!).toFixed()).toBe("8.875");
  });

  it("a compound member is charged on the amount plus the taxes before it", () => {
    // Pre-2013 Québec: QST 9.5 % on price + GST 5 % → 5 + 9.5 × 1.05 = 14.975 %.
    const group = entry("1", "GST + QST (compound)", 14.5, {
      tax_type: "tax_group",
      members: [
        { tax_id: "a", tax_name: "GST", tax_percentage: 5, tax_type: "tax" },
        { tax_id: "b", tax_name: "QST", tax_percentage: 9.5, tax_type: "compound_tax" },
      ],
    });
    expect(taxCoefficients(group).map((c) => c.toFixed())).toEqual(["0.05", "0.09975"]);
    expect(effectivePercent(group).toFixed()).toBe("14.975");
  });

  it("a compound tax alone is its own percentage", () => {
    expect(effectivePercent(entry("1", "Compound", 3, { tax_type: "compound_tax" })).toFixed()).toBe("3");
  });

  it("a group without members uses Zoho's group percentage", () => {
    expect(taxCoefficients(TABLE.find((t) => t.tax_id === "402")!).map((c) => c.toFixed())).toEqual(["0.14975"]);
  });
});

describe("taxLinePercent", () => {
  it("prefers ratePercentage, else rate × 100", () => {
    expect(taxLinePercent({ title: "x", ratePercentage: 7.25, rate: 0.07 }).toFixed()).toBe("7.25");
    expect(taxLinePercent({ title: "x", rate: 0.09975 }).toFixed()).toBe("9.975");
    expect(taxLinePercent({ title: "x", rate: 0.06, ratePercentage: null }).toFixed()).toBe("6");
  });

  it("refuses a tax line without a rate", () => {
    expect(() => taxLinePercent({ title: "Mystery tax" })).toThrow(/Mystery tax/);
  });
});

describe("compareTaxIds", () => {
  it.each([
    ["2", "10", -1],
    ["460000000000000019", "460000000000000018", 1], // beyond Number precision
    ["abc", "abd", -1],
    ["7", "7", 0],
  ])("%s vs %s", (a, b, sign) => {
    expect(Math.sign(compareTaxIds(a, b))).toBe(sign);
  });
});

describe("buildTaxTable", () => {
  it("joins the tax list with group details and adds groups the list left out", () => {
    const table = buildTaxTable(
      [
        { tax_id: "1", tax_name: "GST", tax_percentage: 5, tax_type: "tax", is_default_tax: true },
        { tax_id: "2", tax_name: "PST", tax_percentage: 7, tax_type: "tax" },
        { tax_id: "3", tax_name: "GST + PST", tax_percentage: 12, tax_type: "tax_group" },
      ],
      [
        {
          tax_group_id: "3",
          tax_group_name: "GST + PST",
          tax_group_percentage: 12,
          taxes: [
            { tax_id: "1", tax_name: "GST", tax_percentage: 5, tax_type: "tax" },
            { tax_id: "2", tax_name: "PST", tax_percentage: 7, tax_type: "tax" },
          ],
        },
        {
          tax_group_id: "4",
          tax_group_name: "Unlisted",
          tax_group_percentage: 5,
          taxes: [{ tax_id: "1", tax_name: "GST", tax_percentage: 5, tax_type: "tax" }],
        },
      ],
    );
    expect(table.map((t) => [t.tax_id, t.tax_type, t.is_default_tax, t.members?.length ?? 0])).toEqual([
      ["1", "tax", true, 0],
      ["2", "tax", false, 0],
      ["3", "tax_group", false, 2],
      ["4", "tax_group", false, 1],
    ]);
  });
});
