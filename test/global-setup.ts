// Creates this run's database and applies the migrations; drops it (and this run's Redis keys) after.
import { Redis } from "ioredis";
import { dropDatabase, ensureDatabase } from "~test/harness/ensure-db";

export async function setup() {
  await ensureDatabase(process.env.DATABASE_URL!);
}

export async function teardown() {
  await dropDatabase(process.env.DATABASE_URL!);
  const redis = new Redis(process.env.REDIS_URL!);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${process.env.REDIS_PREFIX}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
