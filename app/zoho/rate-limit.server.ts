// Per-organization Zoho Books limiter shared by every process (web + workers) through Redis
// (design §8): at most 100 requests in any rolling 60 s and at most 5 requests in flight.
// One Lua script checks and takes both slots atomically. In-flight slots are leases with an expiry,
// so a process that crashes mid-request frees its slot after `leaseMs` instead of holding it forever.
// A short wait (≤ maxWaitMs) happens here; a longer one becomes a ZohoRateLimitError with
// `retryAfterMs`, which the queue turns into a delayed job instead of a failure.
//
// Learned limits (ADR 016): the configured limit and concurrency are the ceiling. Zoho's own limits
// can be lower (plan, other integrations of the organization): a 429 code 44 lowers the
// organization's per-minute budget to what Zoho accepted in the window, a 1070 its concurrency to
// what was in flight; both are kept in Redis and raised back step by step after `raiseAfterMs`
// without a refusal (AIMD). The same script counts every granted call per Zoho day (UTC) for the
// daily quota (app/zoho/quota.server.ts).
import { createHash, randomUUID } from "node:crypto";
import type { RedisClient } from "~/redis/redis.server";
import { env } from "~/env.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { getRedis, redisKey } from "~/redis/redis.server";
import { type ZohoRequestInfo, zohoLimiterError } from "./errors";

export interface ZohoRateLimiterOptions {
  /** Default: the shared connection from getRedis(), opened on first use. */
  redis?: RedisClient;
  /** Requests allowed per window and organization (Zoho: 100 per minute). */
  limit?: number;
  windowMs?: number;
  /** Requests in flight per organization (Zoho: 5 on the free plan, 10 on paid plans). */
  concurrency?: number;
  /** How long an in-flight slot lives if it is never released (crashed process). Keep > request timeout. */
  leaseMs?: number;
  /** Waits up to this long for a slot; beyond that, throws ZohoRateLimitError. */
  maxWaitMs?: number;
  /** A learned (lowered) limit is raised one step after this long without another refusal of its kind. */
  raiseAfterMs?: number;
  /**
   * A refusal teaches nothing when we had fewer calls than this in the window / in flight (per
   * minute / concurrency): other integrations used the minute, or a passing fault; the job's own
   * delay handles it. At or above it, the limit is learned.
   */
  learnFloor?: { limit: number; concurrency: number };
  /** Clock for the window. Default: Redis server time, so every process shares one clock. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  logger?: Logger;
}

/** What Zoho said about a call: refused it for the per-minute limit (44) or for concurrency (1070). */
export type ZohoRefusal = "rate" | "concurrency";

/**
 * Returned by acquire(): frees the in-flight slot. Safe to call more than once. Pass the refusal
 * when Zoho answered 429 code 44 / 1070: the organization's learned limit goes down at once.
 */
export type ZohoRateLimitRelease = (refused?: ZohoRefusal) => Promise<void>;

/** The organization's limits as the limiter applies them now (learned, capped by the configuration). */
export interface ZohoLearnedLimits {
  limit: number;
  concurrency: number;
  /** True when Zoho refused at the configured values and the limiter runs below them. */
  lowered: boolean;
}

export const ZOHO_RATE_LIMIT_DEFAULTS = {
  limit: 100,
  windowMs: 60_000,
  concurrency: 5,
  leaseMs: 60_000,
  maxWaitMs: 5_000,
  raiseAfterMs: 10 * 60_000,
  learnFloor: { limit: 10, concurrency: 2 },
} as const;

const DAY_MS = 86_400_000;

/** `now` in ms: ARGV[1] (a test clock), or Redis server time when it is empty. */
const NOW_LUA = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

// The learned limits (KEYS[3], a hash: rate, rateAt, conc, concAt), capped by the configured
// ceiling and raised one step when the last refusal of that kind is `raise` ms old (additive
// increase: 1/20 of the ceiling for the rate, 1 for concurrency). Leaves `limit` and `concurrency` set.
const LEARNED_LUA = `
local limit = tonumber(ARGV[3])
local concurrency = tonumber(ARGV[4])
local raise = tonumber(ARGV[7])
local learned = redis.call('HMGET', KEYS[3], 'rate', 'rateAt', 'conc', 'concAt')
local lr = tonumber(learned[1])
if lr and lr < limit then
  if now - (tonumber(learned[2]) or now) >= raise then
    lr = math.min(limit, lr + math.max(1, math.floor(limit / 20)))
    redis.call('HSET', KEYS[3], 'rate', lr, 'rateAt', now)
  end
  limit = lr
end
local lc = tonumber(learned[3])
if lc and lc < concurrency then
  if now - (tonumber(learned[4]) or now) >= raise then
    lc = lc + 1
    redis.call('HSET', KEYS[3], 'conc', lc, 'concAt', now)
  end
  concurrency = lc
end
`;

// KEYS[1] = sorted set of request ids scored by grant time, moved to completion by RELEASE_LUA (the window)
// KEYS[2] = sorted set of lease ids scored by lease expiry (the in-flight semaphore)
// KEYS[3] = the learned limits (hash); KEYS[4] = prefix of the per-day call counters (":<day>" appended)
// ARGV = now (ms, or "" for Redis time), windowMs, limit, concurrency, leaseMs, member, raiseAfterMs
// Returns {1, now, callsToday} when granted, {0, waitMs, reason, limit, concurrency} when not.
const ACQUIRE_LUA = `${NOW_LUA}${LEARNED_LUA}
local window = tonumber(ARGV[2])
local lease = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local used = redis.call('ZCARD', KEYS[1])
if used >= limit then
  local blocking = redis.call('ZRANGE', KEYS[1], used - limit, used - limit, 'WITHSCORES')
  return {0, tonumber(blocking[2]) + window - now, 'rate', limit, concurrency}
end
local inflight = redis.call('ZCARD', KEYS[2])
if inflight >= concurrency then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {0, tonumber(first[2]) - now, 'concurrency', limit, concurrency}
end
redis.call('ZADD', KEYS[1], now, ARGV[6])
redis.call('ZADD', KEYS[2], now + lease, ARGV[6])
redis.call('PEXPIRE', KEYS[1], window + 1000)
redis.call('PEXPIRE', KEYS[2], lease + 1000)
local dayKey = KEYS[4] .. ':' .. math.floor(now / ${DAY_MS})
local today = redis.call('INCR', dayKey)
if today == 1 then redis.call('PEXPIRE', dayKey, ${2 * DAY_MS}) end
return {1, now, today}
`;
const ACQUIRE_SHA = createHash("sha1").update(ACQUIRE_LUA).digest("hex");

// The call is over: free its in-flight slot and move its place in the window to now. Zoho counts a
// request when it arrives, which is after we granted it (a busy event loop, the network) but never
// after its answer came back — so scored by completion, our window always covers Zoho's, however
// late the request left. Only moves forward (GT), only an existing member (XX).
// KEYS[1] = requests, KEYS[2] = in-flight; ARGV = now (ms, or "" for Redis time), member, windowMs
const RELEASE_LUA = `${NOW_LUA}
redis.call('ZREM', KEYS[2], ARGV[2])
if redis.call('ZADD', KEYS[1], 'XX', 'GT', 'CH', now, ARGV[2]) == 1 then
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 1000)
end
return 1
`;
const RELEASE_SHA = createHash("sha1").update(RELEASE_LUA).digest("hex");

// Zoho refused the call (multiplicative decrease, ADR 016). KEYS as ACQUIRE_LUA.
// ARGV = now (ms, or ""), member, windowMs, kind ("rate" | "concurrency"), ceiling, raiseAfterMs, floor
// - rate (44): Zoho did not count the refused call, so it leaves our window; what is left in the
//   window is what Zoho accepted (or more): the new budget.
// - concurrency (1070): the calls still in flight were what Zoho allowed: the new concurrency.
// - at or under that already: one step (1/10) down; never below 1.
// - fewer than the floor (ARGV[7], capped by the ceiling) in the window / in flight: nothing learned.
// Returns the new learned value, or -1 when nothing was learned.
const REFUSED_LUA = `${NOW_LUA}
local window = tonumber(ARGV[3])
local ceiling = tonumber(ARGV[5])
redis.call('ZREM', KEYS[2], ARGV[2])
local field, seen
if ARGV[4] == 'rate' then
  field = 'rate'
  redis.call('ZREM', KEYS[1], ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  seen = redis.call('ZCARD', KEYS[1])
else
  field = 'conc'
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  seen = redis.call('ZCARD', KEYS[2])
  redis.call('ZADD', KEYS[1], 'XX', 'GT', now, ARGV[2])
end
if seen < math.min(tonumber(ARGV[7]), ceiling) then return -1 end
local current = math.min(ceiling, tonumber(redis.call('HGET', KEYS[3], field)) or ceiling)
local lowered = seen
if seen >= current then lowered = current - math.max(1, math.floor(current / 10)) end
lowered = math.max(1, lowered)
redis.call('HSET', KEYS[3], field, lowered, field .. 'At', now)
redis.call('PEXPIRE', KEYS[3], 7 * ${DAY_MS})
return lowered
`;
const REFUSED_SHA = createHash("sha1").update(REFUSED_LUA).digest("hex");

type LimiterKeys = ReturnType<typeof limiterKeys>;

type AcquireResult =
  { granted: true } | { granted: false; waitMs: number; reason: "rate" | "concurrency"; limit: number };

export class ZohoRateLimiter {
  private readonly redisOption: RedisClient | undefined;
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly maxWaitMs: number;
  private readonly raiseAfterMs: number;
  private readonly learnFloor: { limit: number; concurrency: number };
  private readonly now: (() => number) | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly log: Logger;

  constructor(opts: ZohoRateLimiterOptions = {}) {
    this.redisOption = opts.redis;
    this.limit = opts.limit ?? ZOHO_RATE_LIMIT_DEFAULTS.limit;
    this.windowMs = opts.windowMs ?? ZOHO_RATE_LIMIT_DEFAULTS.windowMs;
    this.concurrency = opts.concurrency ?? ZOHO_RATE_LIMIT_DEFAULTS.concurrency;
    this.leaseMs = opts.leaseMs ?? ZOHO_RATE_LIMIT_DEFAULTS.leaseMs;
    this.maxWaitMs = opts.maxWaitMs ?? ZOHO_RATE_LIMIT_DEFAULTS.maxWaitMs;
    this.raiseAfterMs = opts.raiseAfterMs ?? ZOHO_RATE_LIMIT_DEFAULTS.raiseAfterMs;
    this.learnFloor = opts.learnFloor ?? ZOHO_RATE_LIMIT_DEFAULTS.learnFloor;
    this.now = opts.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = opts.random ?? Math.random;
    this.log = (opts.logger ?? rootLogger).child({ component: "zoho-rate-limit" });
  }

  private get redis(): RedisClient {
    return this.redisOption ?? getRedis();
  }

  /**
   * Takes one request slot and one in-flight slot for `organizationId`, waiting up to `maxWaitMs`.
   * Throws ZohoRateLimitError (status 0, `retryAfterMs` set) when the wait would be longer.
   * `req` only labels that error.
   */
  async acquire(organizationId: string, req?: ZohoRequestInfo): Promise<ZohoRateLimitRelease> {
    if (!organizationId) throw new Error("ZohoRateLimiter.acquire needs an organization id");
    const keys = limiterKeys(organizationId);
    let waited = 0;
    for (;;) {
      const member = randomUUID();
      const result = await this.tryAcquire(keys, member);
      if (result.granted) return this.releaser(keys, member, organizationId);

      const budget = this.maxWaitMs - waited;
      if (result.reason === "rate") {
        // The window frees a slot at a known time: wait for it if that is soon, else hand back to the queue.
        if (result.waitMs > budget) {
          this.log.debug({ organizationId, retryAfterMs: result.waitMs }, "zoho rate limit: per-minute budget used");
          throw zohoLimiterError("rate", result.waitMs, req, result.limit);
        }
        const pause = result.waitMs + Math.floor(this.random() * 50);
        await this.sleep(pause);
        waited += pause;
      } else {
        // An in-flight call usually ends within a second or two: poll briefly, with jitter.
        if (budget <= 0) {
          const retryAfterMs = 5_000 + Math.floor(this.random() * 10_000);
          this.log.debug({ organizationId, retryAfterMs }, "zoho rate limit: concurrency cap reached");
          throw zohoLimiterError("concurrency", retryAfterMs, req);
        }
        const pause = Math.min(budget, 50 + Math.floor(this.random() * 200), Math.max(1, result.waitMs));
        await this.sleep(pause);
        waited += pause;
      }
    }
  }

  /** The limits this organization runs at now: the learned ones, capped by the configured ceiling. */
  async learnedLimits(organizationId: string): Promise<ZohoLearnedLimits> {
    const [rate, conc] = await this.redis.hmget(limiterKeys(organizationId).learned, "rate", "conc");
    const limit = Math.min(this.limit, Number(rate) || this.limit);
    const concurrency = Math.min(this.concurrency, Number(conc) || this.concurrency);
    return { limit, concurrency, lowered: limit < this.limit || concurrency < this.concurrency };
  }

  /** The configured ceiling (ZOHO_REQUESTS_PER_MINUTE / ZOHO_MAX_CONCURRENT). */
  get ceiling(): { limit: number; concurrency: number } {
    return { limit: this.limit, concurrency: this.concurrency };
  }

  private async tryAcquire(keys: LimiterKeys, member: string): Promise<AcquireResult> {
    const args = [
      this.now ? String(Math.floor(this.now())) : "",
      String(this.windowMs),
      String(this.limit),
      String(this.concurrency),
      String(this.leaseMs),
      member,
      String(this.raiseAfterMs),
    ];
    const raw = await this.script(ACQUIRE_SHA, ACQUIRE_LUA, keys, args);
    const [granted, waitMs, reason, limit] = raw as [number, number, string | undefined, number | undefined];
    if (granted === 1) return { granted: true };
    return {
      granted: false,
      waitMs: Math.max(1, Number(waitMs)),
      reason: reason === "rate" ? "rate" : "concurrency",
      limit: Number(limit ?? this.limit),
    };
  }

  /** EVALSHA, loading the script on a NOSCRIPT answer (a restarted Redis, another cluster node). */
  private async script(sha: string, lua: string, keys: LimiterKeys, args: string[]): Promise<unknown> {
    const k = [keys.requests, keys.inflight, keys.learned, keys.day];
    try {
      return await this.redis.evalsha(sha, k.length, ...k, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes("NOSCRIPT")) throw err;
      return this.redis.eval(lua, k.length, ...k, ...args);
    }
  }

  private releaser(keys: LimiterKeys, member: string, organizationId: string): ZohoRateLimitRelease {
    let released = false;
    return async (refused) => {
      if (released) return;
      released = true;
      const now = this.now ? String(Math.floor(this.now())) : "";
      try {
        if (!refused) {
          await this.script(RELEASE_SHA, RELEASE_LUA, keys, [now, member, String(this.windowMs)]);
          return;
        }
        const ceiling = refused === "rate" ? this.limit : this.concurrency;
        const floor = refused === "rate" ? this.learnFloor.limit : this.learnFloor.concurrency;
        const args = [
          now,
          member,
          String(this.windowMs),
          refused,
          String(ceiling),
          String(this.raiseAfterMs),
          String(floor),
        ];
        const lowered = Number(await this.script(REFUSED_SHA, REFUSED_LUA, keys, args));
        if (lowered > 0)
          this.log.warn({ organizationId, refused, lowered, ceiling }, "zoho refused: organization limit lowered");
        else this.log.info({ organizationId, refused, floor }, "zoho refused below the learning floor: limit kept");
      } catch (err) {
        // Not fatal: the lease expires by itself after leaseMs.
        this.log.warn({ err, organizationId }, "zoho rate limit: could not release slot");
      }
    };
  }
}

/** Redis keys for one organization; the hash tag keeps them on one cluster slot for the scripts. */
export function limiterKeys(organizationId: string): {
  requests: string;
  inflight: string;
  learned: string;
  day: string;
} {
  const tag = `{${organizationId}}`;
  return {
    requests: redisKey("zoho-limit", tag, "requests"),
    inflight: redisKey("zoho-limit", tag, "inflight"),
    learned: redisKey("zoho-limit", tag, "learned"),
    day: redisKey("zoho-limit", tag, "day"),
  };
}

/** The Zoho day (UTC, see ADR 016) a time falls in: the suffix of the per-day call counter. */
export function zohoDay(at: number): number {
  return Math.floor(at / DAY_MS);
}

/** When the Zoho day of `at` ends (the daily quota resets). */
export function zohoDayEnd(at: number): Date {
  return new Date((zohoDay(at) + 1) * DAY_MS);
}

/** Calls granted for the organization on the Zoho day of `at` (the limiter counts them). */
export async function zohoCallsOnDay(
  organizationId: string,
  at: number,
  redis: RedisClient = getRedis(),
): Promise<number> {
  return Number((await redis.get(`${limiterKeys(organizationId).day}:${zohoDay(at)}`)) ?? 0);
}

let shared: ZohoRateLimiter | undefined;
/** The process-wide limiter on the shared Redis connection (used by ZohoClient by default). */
export function getZohoRateLimiter(): ZohoRateLimiter {
  // Zoho's own minute: a finished request is counted from its completion (RELEASE_LUA), which is never
  // before Zoho saw it, so no extra margin is needed on the window.
  return (shared ??= new ZohoRateLimiter({
    limit: env.ZOHO_REQUESTS_PER_MINUTE,
    concurrency: env.ZOHO_MAX_CONCURRENT,
  }));
}
