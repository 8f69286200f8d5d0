// One PrismaClient per process, on the pg driver adapter (WASM engines, no native download).
import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "~/env.server";

declare global {
  var __prisma: PrismaClient | undefined;
}

function createClient() {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: env.DATABASE_URL, max: env.DATABASE_POOL_MAX }),
  });
}

// Remix dev reloads modules; keep one client across reloads.
export const prisma: PrismaClient = globalThis.__prisma ?? (globalThis.__prisma = createClient());
export default prisma;
