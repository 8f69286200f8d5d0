// The daily quota: plan table, Zoho's code-45 message, and today's status from the limiter's count.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { createRedis } from "~/redis/redis.server";
import { connectedShop } from "~test/harness/connected-shop";
import { ZohoDailyQuotaError } from "./errors";
import {
  backgroundQuotaWait,
  dailyQuotaForPlan,
  getDailyQuotaStatus,
  quotaFromRefusalMessage,
  recordDailyQuotaRefusal,
} from "./quota.server";
import { limiterKeys, zohoDay } from "./rate-limit.server";

describe("daily quota sources", () => {
  it("knows the plans of the fact sheet (§6)", () => {
    expect(dailyQuotaForPlan("Free")).toBe(1_000);
    expect(dailyQuotaForPlan("Standard")).toBe(2_000);
    expect(dailyQuotaForPlan("STANDARD - Annual")).toBe(2_000);
    expect(dailyQuotaForPlan("Professional")).toBe(5_000);
    expect(dailyQuotaForPlan("Premium")).toBe(10_000);
    expect(dailyQuotaForPlan("Elite")).toBe(10_000);
    expect(dailyQuotaForPlan("Ultimate")).toBe(10_000);
    expect(dailyQuotaForPlan("Freelancer")).toBeUndefined(); // not "Free"
    expect(dailyQuotaForPlan(null)).toBeUndefined();
  });

  it("reads the quota from Zoho's code-45 message", () => {
    expect(
      quotaFromRefusalMessage("The API call for this organization has exceeded the maximum call rate limit of 1000."),
    ).toBe(1_000);
    expect(quotaFromRefusalMessage("… exceeded the maximum call rate limit of 10,000.")).toBe(10_000);
    expect(quotaFromRefusalMessage("Zoho Books daily API limit reached for this organization.")).toBeUndefined();
  });
});

describe("getDailyQuotaStatus", () => {
  it("plan first, then Zoho's own number, then the setting; today's use from the limiter's counter", async () => {
    const { shop, org } = await connectedShop({ label: "quota" });
    const organizationId = org.organization.organization_id;
    const now = Date.UTC(2026, 11, 5, 15, 0, 0);
    const redis = createRedis("worker");
    try {
      await redis.set(`${limiterKeys(organizationId).day}:${zohoDay(now)}`, "1500", "PX", 60_000);
      expect(await getDailyQuotaStatus(shop, { now: () => now, redis })).toEqual({
        organizationId,
        used: 1500,
        quota: 1000,
        source: "setting",
        planName: null,
        backgroundLimit: 800,
        resetsAt: new Date("2026-12-06T00:00:00.000Z"),
      });

      await recordDailyQuotaRefusal(
        shop,
        new ZohoDailyQuotaError(
          "The API call for this organization has exceeded the maximum call rate limit of 4000.",
          { status: 429, code: 45, method: "GET", url: "" },
        ),
      );
      expect(await getDailyQuotaStatus(shop, { now: () => now, redis })).toMatchObject({
        quota: 4000,
        source: "zoho",
        backgroundLimit: 3200,
      });
      expect(await backgroundQuotaWait(shop, { now: () => now, redis })).toBeNull();

      await prisma.zohoConnection.update({ where: { shop }, data: { planName: "Free" } });
      expect(await getDailyQuotaStatus(shop, { now: () => now, redis, backgroundShare: 0.5 })).toMatchObject({
        quota: 1000,
        source: "plan",
        backgroundLimit: 500,
      });
      expect(await backgroundQuotaWait(shop, { now: () => now, redis })).toMatchObject({
        until: new Date("2026-12-06T00:00:00.000Z"),
      });
      // The next day starts from zero.
      expect(await backgroundQuotaWait(shop, { now: () => now + 86_400_000, redis })).toBeNull();
    } finally {
      redis.disconnect();
    }
  });

  it("no organization chosen: no status", async () => {
    const { shop } = await connectedShop({ label: "quota" });
    await prisma.zohoConnection.update({ where: { shop }, data: { organizationId: null } });
    expect(await getDailyQuotaStatus(shop)).toBeNull();
  });
});
