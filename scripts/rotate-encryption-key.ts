// Re-encrypts every stored Zoho token with the current TOKEN_ENCRYPTION_KEY (ADR 013):
//
//   TOKEN_ENCRYPTION_KEY=<new> TOKEN_ENCRYPTION_KEY_PREVIOUS=<old>[,<older>] npm run rotate-key -- [--batch-size N] [--dry-run] [--shop a.myshopify.com]…
//
// The encrypted columns are ZohoConnection.refreshTokenEnc and .accessTokenEnc (prisma/schema.prisma).
// Rows are read in batches ordered by shop; a value the current key already opens is left as it is,
// so the script is idempotent and can be run again after an interruption. Each row is written only
// if its token columns still hold what was read (a token refresh in between wins; the row is read
// again). Prints counts and shop domains only — never a token, plaintext or encrypted.
// Exit 0 when every value is now readable with the current key alone; 1 when some value could not be
// decrypted with any configured key (those rows are listed and left unchanged); 2 on bad arguments.
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import type { Prisma } from "@prisma/client";
import { decryptionKeys, reencryptSecret, TokenDecryptionError } from "~/crypto.server";
import { prisma } from "~/db.server";

export const ENCRYPTED_COLUMNS = ["refreshTokenEnc", "accessTokenEnc"] as const;
type Column = (typeof ENCRYPTED_COLUMNS)[number];

export interface RotateOptions {
  batchSize?: number;
  dryRun?: boolean;
  /** Only these shops (default: every row). */
  shops?: readonly string[];
  /** Current key first, then the previous ones (default: from the environment). */
  keys?: readonly string[];
  /** Progress lines (default: none). */
  onBatch?: (progress: RotateCounts) => void;
}

export interface RotateCounts {
  rows: number;
  /** Values re-encrypted with the current key (or that would be, with dryRun). */
  rotated: number;
  /** Values the current key already opened. */
  current: number;
  /** Values no configured key opens: left unchanged. */
  unreadable: number;
  /** Rows whose tokens changed while we worked on them and were read again. */
  retried: number;
  unreadableShops: string[];
}

const MAX_ROW_TRIES = 5;

export async function rotateEncryptionKey(opts: RotateOptions = {}): Promise<RotateCounts> {
  const batchSize = opts.batchSize ?? 100;
  const keys = opts.keys ?? decryptionKeys();
  const counts: RotateCounts = { rows: 0, rotated: 0, current: 0, unreadable: 0, retried: 0, unreadableShops: [] };
  let after: string | null = null;
  for (;;) {
    const shop: Prisma.StringFilter = {
      ...(opts.shops ? { in: [...opts.shops] } : {}),
      ...(after !== null ? { gt: after } : {}),
    };
    const batch: Array<{ shop: string }> = await prisma.zohoConnection.findMany({
      where: { shop },
      select: { shop: true },
      orderBy: { shop: "asc" },
      take: batchSize,
    });
    if (batch.length === 0) break;
    for (const { shop } of batch) await rotateRow(shop, keys, opts.dryRun ?? false, counts);
    after = batch[batch.length - 1]!.shop;
    opts.onBatch?.({ ...counts, unreadableShops: [...counts.unreadableShops] });
    if (batch.length < batchSize) break;
  }
  return counts;
}

async function rotateRow(shop: string, keys: readonly string[], dryRun: boolean, counts: RotateCounts): Promise<void> {
  counts.rows++;
  for (let attempt = 1; ; attempt++) {
    const row = await prisma.zohoConnection.findUnique({
      where: { shop },
      select: { refreshTokenEnc: true, accessTokenEnc: true },
    });
    if (!row) return; // uninstalled meanwhile
    const data: Partial<Record<Column, string>> = {};
    let rotated = 0;
    let current = 0;
    let unreadable = 0;
    for (const column of ENCRYPTED_COLUMNS) {
      const stored = row[column];
      if (stored === null) continue;
      try {
        const r = reencryptSecret(stored, keys);
        if (r.rotated) {
          data[column] = r.value;
          rotated++;
        } else current++;
      } catch (err) {
        if (!(err instanceof TokenDecryptionError)) throw err;
        unreadable++;
      }
    }
    let written = true;
    if (rotated > 0 && !dryRun) {
      // Only if the token columns still hold what we decrypted (a refresh may have replaced one).
      const { count } = await prisma.zohoConnection.updateMany({
        where: { shop, refreshTokenEnc: row.refreshTokenEnc, accessTokenEnc: row.accessTokenEnc },
        data,
      });
      written = count === 1;
    }
    if (!written && attempt < MAX_ROW_TRIES) {
      counts.retried++;
      continue;
    }
    if (!written) {
      counts.unreadable += rotated; // kept changing under us: report it rather than loop forever
      counts.unreadableShops.push(shop);
      return;
    }
    counts.rotated += rotated;
    counts.current += current;
    counts.unreadable += unreadable;
    if (unreadable > 0) counts.unreadableShops.push(shop);
    return;
  }
}

// ---- CLI ----------------------------------------------------------------------------------------

const USAGE = "usage: npm run rotate-key -- [--batch-size N] [--dry-run] [--shop SHOP.myshopify.com]…";

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "batch-size": { type: "string" },
        "dry-run": { type: "boolean" },
        shop: { type: "string", multiple: true },
        help: { type: "boolean" },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`rotate-key: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const batchSize = values["batch-size"] === undefined ? 100 : Number(values["batch-size"]);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    console.error(`rotate-key: --batch-size must be a whole number from 1 to 10000\n${USAGE}`);
    return 2;
  }
  const keys = decryptionKeys();
  const dryRun = values["dry-run"] ?? false;
  console.log(
    `rotate-key: ${keys.length - 1} previous key(s) configured${dryRun ? "; dry run, nothing is written" : ""}`,
  );
  const counts = await rotateEncryptionKey({
    batchSize,
    dryRun,
    ...(values.shop ? { shops: values.shop } : {}),
    keys,
    onBatch: (c) =>
      console.log(
        `rotate-key: ${c.rows} connection(s) read, ${c.rotated} value(s) re-encrypted, ${c.current} already current, ${c.unreadable} unreadable`,
      ),
  });
  console.log(
    `rotate-key: done — ${counts.rows} connection(s), ${counts.rotated} value(s) ${dryRun ? "to re-encrypt" : "re-encrypted"}, ` +
      `${counts.current} already on the current key, ${counts.unreadable} unreadable, ${counts.retried} re-read after a concurrent change`,
  );
  if (counts.unreadable > 0) {
    console.error(
      `rotate-key: ${counts.unreadable} value(s) could not be decrypted with TOKEN_ENCRYPTION_KEY or TOKEN_ENCRYPTION_KEY_PREVIOUS and were left unchanged; ` +
        `shops: ${counts.unreadableShops.join(", ")}. Add the key they were written with to TOKEN_ENCRYPTION_KEY_PREVIOUS, or have these merchants reconnect.`,
    );
    return 1;
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2))
    .then((code) => {
      process.exitCode = code;
    })
    .catch((err: unknown) => {
      // First line only: Prisma's "Invalid invocation" messages go on to print the query's arguments.
      const first = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).split("\n")[0]!.slice(0, 300);
      console.error(`rotate-key: failed: ${first}`);
      process.exitCode = 1;
    })
    .finally(() => prisma.$disconnect());
}
