// Prisma CLI config: WASM engines + the pg driver adapter, so no native engine is ever downloaded.
// See docs/decisions/002-postgresql.md.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set (see .env.example)");
    return new PrismaPg({ connectionString: url });
  },
});
