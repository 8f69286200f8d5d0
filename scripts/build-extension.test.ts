// The admin block builds offline and stays within Shopify's 64 KB (compressed) limit for UI extensions.
import { execFile } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildExtension, formatReport, SIZE_LIMIT_BYTES } from "./build-extension";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

describe("the zoho-invoice-block bundle", () => {
  it("builds and stays under 64 KB compressed", async () => {
    const build = await buildExtension({ write: false });

    expect(build.limitBytes).toBe(SIZE_LIMIT_BYTES);
    expect(build.compressedBytes).toBeGreaterThan(1_000);
    expect(build.compressedBytes).toBe(Math.max(build.gzipBytes, build.brotliBytes));
    expect(build.compressedBytes).toBeLessThan(SIZE_LIMIT_BYTES);
    expect(build.fits).toBe(true);
    // It is the block: its target element and the backend it calls.
    expect(build.code).toContain("s-admin-block");
    expect(build.code).toContain("/api/orders/");
  });

  it("contains only the extension and its Preact runtime: no server module, no React", async () => {
    const { inputs } = await buildExtension({ write: false });
    const paths = inputs.map((i) => i.path);
    expect(paths).toContain("extensions/zoho-invoice-block/src/block-logic.ts");
    expect(paths.some((p) => p.includes("node_modules/preact/"))).toBe(true);
    // app/sync/order-invoice.ts is imported for its types only, which the bundler erases.
    expect(paths.filter((p) => p.startsWith("app/"))).toEqual([]);
    expect(
      paths.filter((p) => /node_modules\/(react|react-dom|@prisma|decimal\.js|@shopify\/polaris)\//.test(p)),
    ).toEqual([]);
  });

  it("npm run build:extension writes the bundle and prints its size against the limit", async () => {
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        "npm",
        ["run", "--silent", "build:extension"],
        {
          cwd: ROOT,
          env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` },
          timeout: 60_000,
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
      );
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^zoho-invoice-block → extensions\/zoho-invoice-block\/dist\/zoho-invoice-block\.js$/m);
    expect(run.stdout).toMatch(/compressed \d+\.\d KB of Shopify's 64\.0 KB limit \(\d+ %\): fits/);
    const out = join(ROOT, "extensions/zoho-invoice-block/dist/zoho-invoice-block.js");
    expect(existsSync(out)).toBe(true);
    expect(statSync(out).size).toBeGreaterThan(1_000);
  });

  it("the report says when the bundle is too large", async () => {
    const build = await buildExtension({ write: false });
    const report = formatReport({ ...build, compressedBytes: SIZE_LIMIT_BYTES + 1, fits: false });
    expect(report).toMatch(/TOO LARGE/);
  });
});
