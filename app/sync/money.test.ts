import { describe, expect, it } from "vitest";
import { MappingError } from "./errors";
import {
  Decimal,
  currencyDecimals,
  formatMoney,
  formatPercent,
  minorUnit,
  parseMoney,
  roundHalfUp,
  sumDecimals,
  toZohoNumber,
} from "./money";

describe("currencyDecimals", () => {
  it.each([
    ["USD", 2],
    ["EUR", 2],
    ["eur", 2],
    ["JPY", 0],
    ["KRW", 0],
    ["CLP", 0],
    ["KWD", 3],
    ["BHD", 3],
    ["TND", 3],
    ["CLF", 3], // ISO says 4; Zoho keeps at most 3
    ["XYZ", 2],
  ])("%s → %i", (code, dp) => {
    expect(currencyDecimals(code)).toBe(dp);
  });
});

describe("roundHalfUp / formatMoney", () => {
  it.each([
    ["29.665", 2, "29.67"],
    ["29.664", 2, "29.66"],
    ["-29.665", 2, "-29.67"], // ties away from zero: a negative discount line rounds like its twin
    ["0.005", 2, "0.01"],
    ["2.5", 0, "3"],
    ["-2.5", 0, "-3"],
    ["1.0005", 3, "1.001"],
    ["12345.545", 2, "12345.55"], // the Zoho rate-rounding report in the fact sheet
    ["10", 2, "10.00"],
    ["0.125", 2, "0.13"], // half-even would give 0.12
  ])("%s at %i decimals → %s", (value, dp, expected) => {
    expect(formatMoney(value, dp)).toBe(expected);
    expect(roundHalfUp(value, dp).eq(expected)).toBe(true);
  });
});

describe("parseMoney", () => {
  it.each([
    ["19.99", "19.99"],
    [" 7 ", "7"],
    ["-3.50", "-3.5"],
    ["1e2", "100"],
    [4.25, "4.25"],
    [".5", "0.5"],
  ])("parses %j", (value, expected) => {
    expect(parseMoney(value, "x").toFixed()).toBe(expected);
  });

  it.each([[null], [undefined], [""], ["abc"], ["1,50"], [Number.NaN], [Infinity], [{}]])(
    "rejects %j as a malformed order naming the field",
    (value) => {
      let error: unknown;
      try {
        parseMoney(value, "the unit price of line 2");
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(MappingError);
      expect((error as MappingError).code).toBe("malformed_order");
      expect((error as MappingError).message).toContain("the unit price of line 2");
    },
  );
});

describe("toZohoNumber", () => {
  it.each([
    ["19.99", 2, 19.99],
    ["19.995", 2, 20],
    ["-0.015", 2, -0.02],
    ["1280", 0, 1280],
    ["12.3456", 3, 12.346],
  ])("%s at %i → %d", (value, dp, expected) => {
    expect(toZohoNumber(value, dp)).toBe(expected);
  });

  it("round-trips every 2-decimal amount below 10^12 exactly", () => {
    for (const s of ["999999999999.99", "0.07", "123456789.01", "-5000000.33"]) {
      expect(new Decimal(String(toZohoNumber(s, 2))).eq(s)).toBe(true);
    }
  });

  it("refuses amounts a double cannot carry exactly", () => {
    expect(() => toZohoNumber("12345678901234567.89", 2)).toThrow(MappingError);
  });
});

describe("small helpers", () => {
  it("sums decimals without float error", () => {
    expect(sumDecimals(["0.1", "0.2", "0.3"]).toFixed()).toBe("0.6");
    expect(sumDecimals([]).toFixed()).toBe("0");
  });

  it("minor units", () => {
    expect(minorUnit(0).toFixed()).toBe("1");
    expect(minorUnit(2).toFixed()).toBe("0.01");
    expect(minorUnit(3).toFixed()).toBe("0.001");
  });

  it("formats percentages without trailing zeros", () => {
    expect(formatPercent("22.000")).toBe("22");
    expect(formatPercent("9.975")).toBe("9.975");
    expect(formatPercent(new Decimal("8.875"))).toBe("8.875");
    expect(formatPercent("0")).toBe("0");
  });

  it("keeps 40 significant digits when backing tax out", () => {
    const net = new Decimal("100").div("1.22");
    expect(net.precision(true)).toBeGreaterThanOrEqual(39);
  });
});
