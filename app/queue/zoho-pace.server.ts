// How far apart a rate-limited shop's jobs are released (the backlog's pace), from what each order
// really costs: a running average of the Zoho calls per synced order of the organization (Redis, fed
// by the sync-order worker after each sync) and the organization's per-minute budget as the limiter
// applies it now (learned, ADR 016). A constant here left a backlog below the allowed rate
// (docs/benchmarks.md).
import type { RedisClient } from "~/redis/redis.server";
import { getZohoRateLimiter } from "~/zoho/rate-limit.server";

/** Before the organization's first sync: between a known customer (1 call) and a new one (3). */
export const CALLS_PER_ORDER_PRIOR = 1.5;
/** Weight of the newest sync in the running average (about the last 20 orders count). */
const SMOOTHING = 0.1;
/**
 * Jobs are released slightly faster than the budget: the limiter holds the few that arrive early (it
 * waits up to 5 s in place), so the organization's minute is used to the end instead of left idle.
 */
const AHEAD = 0.95;

export function callsPerOrderKey(prefix: string, organizationId: string): string {
  return `${prefix}:zoho-calls-per-order:{${organizationId}}`;
}

// KEYS[1] = hash {avg, n}. ARGV = calls of this sync, smoothing. Returns the new average (string).
const FEED_LUA = `
local x = tonumber(ARGV[1])
local a = tonumber(ARGV[2])
local avg = tonumber(redis.call('HGET', KEYS[1], 'avg'))
local n = tonumber(redis.call('HGET', KEYS[1], 'n')) or 0
if not avg then avg = x else
  local w = math.max(a, 1 / (n + 1))
  avg = avg + (x - avg) * w
end
redis.call('HSET', KEYS[1], 'avg', tostring(avg), 'n', n + 1)
redis.call('PEXPIRE', KEYS[1], 604800000)
return tostring(avg)
`;

/** Adds one sync's Zoho calls to the organization's running average; returns the new average. */
export async function recordCallsPerOrder(
  redis: RedisClient,
  prefix: string,
  organizationId: string,
  calls: number,
): Promise<number> {
  const avg = await redis.eval(FEED_LUA, 1, callsPerOrderKey(prefix, organizationId), String(calls), String(SMOOTHING));
  return Number(avg);
}

/** The organization's running average of Zoho calls per synced order (the prior before its first sync). */
export async function callsPerOrder(redis: RedisClient, prefix: string, organizationId: string): Promise<number> {
  const avg = Number(await redis.hget(callsPerOrderKey(prefix, organizationId), "avg"));
  return avg > 0 ? avg : CALLS_PER_ORDER_PRIOR;
}

/** Spacing of one order's calls within a per-minute budget: 60 s / budget × calls per order. */
export function paceMsFor(requestsPerMinute: number, callsPerOrder: number): number {
  return Math.max(1, Math.floor((60_000 / requestsPerMinute) * callsPerOrder * AHEAD));
}

/** The pace of the organization's backlog now: its learned budget and its observed calls per order. */
export async function observedPaceMs(redis: RedisClient, prefix: string, organizationId: string): Promise<number> {
  const [limits, calls] = await Promise.all([
    getZohoRateLimiter().learnedLimits(organizationId),
    callsPerOrder(redis, prefix, organizationId),
  ]);
  return paceMsFor(limits.limit, calls);
}
