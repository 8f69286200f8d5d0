import { describe, expect, it } from "vitest";
import { hasAllOrdersAccess, oldestReachableDate } from "~/shopify/order-history";
import { calendarDateIn } from "~/components/shop-time";

describe("order history reach", () => {
  it("reads the scope list the session stores", () => {
    expect(hasAllOrdersAccess("read_orders,write_orders,read_customers,read_all_orders")).toBe(true);
    expect(hasAllOrdersAccess("read_orders, read_all_orders")).toBe(true);
    expect(hasAllOrdersAccess("read_orders,write_orders,read_customers")).toBe(false);
    expect(hasAllOrdersAccess(undefined)).toBe(false);
  });

  it("offers the whole days of Shopify's 60-day window, on the shop's calendar", () => {
    const now = new Date("2026-12-05T08:00:00Z");
    expect(oldestReachableDate(now, "UTC")).toBe("2026-10-07");
    // Kiritimati (UTC+14) is ahead of UTC, Honolulu (UTC-10) behind it.
    expect(calendarDateIn(now, "Pacific/Kiritimati")).toBe("2026-12-05");
    expect(calendarDateIn(new Date("2026-12-05T02:00:00Z"), "Pacific/Honolulu")).toBe("2026-12-04");
  });
});
