// Short cross-process locks in Redis (SET NX PX; released only by their owner). Every web and worker
// process of a deployment shares them, on any machine (ADR 014). Used for the single-flight token
// refresh (app/zoho/connection.server.ts) and for one contact per customer (app/zoho/contacts.server.ts).
import { randomUUID } from "node:crypto";
import type { RedisClient } from "~/redis/redis.server";
import type { Logger } from "~/logger.server";
import { getRedis, redisKey } from "~/redis/redis.server";

/** A Redis command that takes longer than this counts as Redis being unavailable. */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000;

export function withTimeout<T>(promise: Promise<T>, ms: number, what = "Redis"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface RedisLockOptions {
  /** Lock lifetime: longer than the work it guards, so it never lapses mid-way. */
  ttlMs: number;
  redis?: RedisClient;
  log?: Logger;
}

/**
 * "held": another owner has it. A handle: ours until `release()`. When Redis cannot be asked the
 * caller gets a no-op handle (and a warning): going on without the lock beats stopping the work.
 */
export async function tryRedisLock(
  parts: string[],
  opts: RedisLockOptions,
): Promise<{ release: () => Promise<void> } | "held"> {
  const redis = opts.redis ?? getRedis();
  const key = redisKey(...parts);
  const owner = randomUUID();
  try {
    const ok = await withTimeout(redis.set(key, owner, "PX", opts.ttlMs, "NX"), REDIS_COMMAND_TIMEOUT_MS);
    if (ok !== "OK") return "held";
  } catch (err) {
    opts.log?.warn(
      { err: { message: err instanceof Error ? err.message : String(err) }, lock: parts[0] },
      "redis lock unavailable, going on without it",
    );
    return { release: async () => {} };
  }
  return {
    release: async () => {
      // Delete only our own lock: after a TTL lapse it may belong to someone else.
      await withTimeout(
        redis.eval(
          "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
          1,
          key,
          owner,
        ),
        REDIS_COMMAND_TIMEOUT_MS,
      ).catch((err: unknown) =>
        opts.log?.warn(
          { err: { message: err instanceof Error ? err.message : String(err) }, lock: parts[0] },
          "redis lock not released",
        ),
      );
    },
  };
}

export class RedisLockBusyError extends Error {
  override readonly name = "RedisLockBusyError";
}

/** Runs `fn` holding the lock; waits (polling) up to `waitMs` for another owner, then throws RedisLockBusyError. */
export async function withRedisLock<T>(
  parts: string[],
  opts: RedisLockOptions & { waitMs: number; pollMs?: number; busyMessage?: string },
  fn: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + opts.waitMs;
  for (;;) {
    const lock = await tryRedisLock(parts, opts);
    if (lock !== "held") {
      try {
        return await fn();
      } finally {
        await lock.release();
      }
    }
    if (Date.now() >= deadline)
      throw new RedisLockBusyError(opts.busyMessage ?? `${parts[0]} is busy in another process`);
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 100));
  }
}
