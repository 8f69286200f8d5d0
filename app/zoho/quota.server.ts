// How much of its daily Zoho API quota an organization has used today, and may background work
// (backfill, catch-up scan) still spend it? (ADR 016)
//
// - Used: every call the limiter granted for the organization on this Zoho day (UTC; Zoho's reset time
//   is unconfirmed), counted in Redis by app/zoho/rate-limit.server.ts — all our processes together.
// - Quota: the plan's (GET /organizations plan_name, fact sheet §6), else the number Zoho named in a
//   code-45 refusal, else ZOHO_DAILY_QUOTA.
// - Background work stops at ZOHO_BACKGROUND_QUOTA_SHARE of it, so live orders and the merchant's other
//   integrations keep the rest; its jobs wait for the next Zoho day and then run by themselves.
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { getRedis, type RedisClient } from "~/redis/redis.server";
import { ZohoDailyQuotaError } from "./errors";
import { zohoCallsOnDay, zohoDayEnd } from "./rate-limit.server";

/** Zoho Books' daily API calls per plan (fact sheet §6); matched on the plan name's words. */
const PLAN_QUOTAS: ReadonlyArray<readonly [RegExp, number]> = [
  [/\bfree\b/i, 1_000],
  [/\bstandard\b/i, 2_000],
  [/\bprofessional\b/i, 5_000],
  [/\b(premium|elite|ultimate)\b/i, 10_000],
];

/** The daily quota of a Zoho plan, undefined when the name is not one we know. */
export function dailyQuotaForPlan(planName: string | null | undefined): number | undefined {
  if (!planName) return undefined;
  return PLAN_QUOTAS.find(([pattern]) => pattern.test(planName))?.[1];
}

/** The quota Zoho names in its code-45 message ("… maximum call rate limit of 1000."). */
export function quotaFromRefusalMessage(message: string): number | undefined {
  const match = /rate limit of\s+([\d,]+)/i.exec(message);
  const n = match ? Number(match[1]!.replace(/,/g, "")) : Number.NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export type DailyQuotaSource = "plan" | "zoho" | "setting";

export interface DailyQuotaStatus {
  organizationId: string;
  /** Calls made today (this Zoho day). */
  used: number;
  quota: number;
  source: DailyQuotaSource;
  planName: string | null;
  /** Backfill and the catch-up scan stop here. */
  backgroundLimit: number;
  /** When the Zoho day ends and the count starts again. */
  resetsAt: Date;
}

interface QuotaRow {
  organizationId: string | null;
  planName: string | null;
  dailyQuotaLearned: number | null;
}

function quotaOf(row: QuotaRow): { quota: number; source: DailyQuotaSource } {
  const byPlan = dailyQuotaForPlan(row.planName);
  if (byPlan) return { quota: byPlan, source: "plan" };
  if (row.dailyQuotaLearned) return { quota: row.dailyQuotaLearned, source: "zoho" };
  return { quota: env.ZOHO_DAILY_QUOTA, source: "setting" };
}

export interface QuotaDeps {
  now?: () => number;
  redis?: RedisClient;
  /** Share of the quota background work may use (default ZOHO_BACKGROUND_QUOTA_SHARE). */
  backgroundShare?: number;
}

/** The shop's chosen Zoho organization (its limits, quota and pace are the organization's). */
export async function zohoOrganizationOf(shop: string): Promise<string | null> {
  const row = await prisma.zohoConnection.findUnique({ where: { shop }, select: { organizationId: true } });
  return row?.organizationId ?? null;
}

/** Today's use of the shop's organization; null when no organization is chosen. */
export async function getDailyQuotaStatus(shop: string, deps: QuotaDeps = {}): Promise<DailyQuotaStatus | null> {
  const row = await prisma.zohoConnection.findUnique({
    where: { shop },
    select: { organizationId: true, planName: true, dailyQuotaLearned: true },
  });
  if (!row?.organizationId) return null;
  const now = deps.now?.() ?? Date.now();
  const { quota, source } = quotaOf(row);
  const used = await zohoCallsOnDay(row.organizationId, now, deps.redis ?? getRedis());
  const share = deps.backgroundShare ?? env.ZOHO_BACKGROUND_QUOTA_SHARE;
  return {
    organizationId: row.organizationId,
    used,
    quota,
    source,
    planName: row.planName,
    backgroundLimit: Math.floor(quota * share),
    resetsAt: zohoDayEnd(now),
  };
}

/**
 * Whether a background job (backfill, catch-up scan) of the shop must wait: the time to run it again
 * (the next Zoho day) when today's share is used up, else null.
 */
export async function backgroundQuotaWait(
  shop: string,
  deps: QuotaDeps = {},
): Promise<{ until: Date; status: DailyQuotaStatus } | null> {
  const status = await getDailyQuotaStatus(shop, deps);
  if (!status || status.used < status.backgroundLimit) return null;
  return { until: status.resetsAt, status };
}

/** Zoho refused with code 45: remember the quota its message names (used when the plan is unknown). */
export async function recordDailyQuotaRefusal(shop: string, err: unknown): Promise<number | undefined> {
  if (!(err instanceof ZohoDailyQuotaError)) return undefined;
  const quota = quotaFromRefusalMessage(err.message);
  if (quota !== undefined)
    await prisma.zohoConnection.updateMany({ where: { shop }, data: { dailyQuotaLearned: quota } });
  return quota;
}
