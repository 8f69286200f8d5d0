// Bundles the admin block (extensions/zoho-invoice-block) offline, the way the Shopify CLI does on
// deploy (esbuild, ESM, minified, Preact JSX), and prints its size against Shopify's limit for UI
// extensions on API 2025-10+: 64 KB of compressed JavaScript.
//
//   npm run build:extension            → extensions/zoho-invoice-block/dist/zoho-invoice-block.js
//
// Exit 0 when the bundle fits, 1 when it does not (or the build fails). esbuild is the copy Vite
// depends on (resolved through Vite, so it does not hang on npm's hoisting of someone else's).
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type * as EsbuildApi from "esbuild";

type Esbuild = typeof EsbuildApi;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const EXTENSION_DIR = join(ROOT, "extensions", "zoho-invoice-block");
export const ENTRY = join(EXTENSION_DIR, "src", "BlockExtension.tsx");
/** Shopify's limit: 64 KB of compressed JavaScript per UI extension (enforced at deploy). */
export const SIZE_LIMIT_BYTES = 64 * 1024;

export interface ExtensionBuild {
  outfile: string;
  code: string;
  /** Minified bundle. */
  bytes: number;
  gzipBytes: number;
  brotliBytes: number;
  limitBytes: number;
  /** The compressed size Shopify compares with the limit; we take gzip, the larger of the two. */
  compressedBytes: number;
  fits: boolean;
  /** Input files and their share of the bundle, largest first. */
  inputs: Array<{ path: string; bytes: number }>;
}

function loadEsbuild(): Esbuild {
  const fromVite = createRequire(createRequire(import.meta.url).resolve("vite/package.json"));
  return fromVite("esbuild") as Esbuild;
}

export async function buildExtension({
  write = true,
  outdir = join(EXTENSION_DIR, "dist"),
}: { write?: boolean; outdir?: string } = {}): Promise<ExtensionBuild> {
  const esbuild = loadEsbuild();
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    minify: true,
    jsx: "automatic",
    jsxImportSource: "preact",
    define: { "process.env.NODE_ENV": '"production"' },
    legalComments: "none",
    metafile: true,
    write: false,
    outfile: join(outdir, "zoho-invoice-block.js"),
    logLevel: "silent",
  });
  const file = result.outputFiles.find((f) => f.path.endsWith(".js"));
  if (!file) throw new Error("esbuild produced no JavaScript");
  const code = file.text;
  const buffer = Buffer.from(file.contents);
  const gzipBytes = gzipSync(buffer, { level: 9 }).length;
  const brotliBytes = brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const compressedBytes = Math.max(gzipBytes, brotliBytes);
  const output = Object.values(result.metafile.outputs)[0];
  const inputs = Object.entries(output?.inputs ?? {})
    .map(([path, info]) => ({ path, bytes: info.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);

  if (write) {
    mkdirSync(outdir, { recursive: true });
    writeFileSync(file.path, buffer);
  }
  return {
    outfile: file.path,
    code,
    bytes: buffer.length,
    gzipBytes,
    brotliBytes,
    limitBytes: SIZE_LIMIT_BYTES,
    compressedBytes,
    fits: compressedBytes <= SIZE_LIMIT_BYTES,
    inputs,
  };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** The report `npm run build:extension` prints. */
export function formatReport(b: ExtensionBuild): string {
  const share = Math.round((b.compressedBytes / b.limitBytes) * 100);
  const lines = [
    `zoho-invoice-block → ${relative(ROOT, b.outfile)}`,
    `  minified ${kb(b.bytes)}, gzip ${kb(b.gzipBytes)}, brotli ${kb(b.brotliBytes)}`,
    `  compressed ${kb(b.compressedBytes)} of Shopify's ${kb(b.limitBytes)} limit (${share} %): ${b.fits ? "fits" : "TOO LARGE"}`,
    "  largest inputs:",
    ...b.inputs.slice(0, 5).map((i) => `    ${kb(i.bytes).padStart(8)}  ${i.path}`),
  ];
  return lines.join("\n");
}

async function main(): Promise<number> {
  try {
    const build = await buildExtension();
    console.log(formatReport(build));
    return build.fits ? 0 : 1;
  } catch (err) {
    console.error(`build:extension failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main();
}
