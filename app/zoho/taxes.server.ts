// The organization's tax table: taxes, compound taxes and tax groups in one normalised list, cached
// per shop + organization in the TaxCache table (design §4: "taxes (cached)").
//
// Tax groups: whether GET /settings/taxes lists them (tax_type "tax_group") is unconfirmed
// (reference/zoho/README.md §5). We use them when it does; otherwise we try GET /settings/taxgroups
// (not in the OAS) and treat a 404 as "no groups". A group's members come from
// GET /settings/taxgroups/{id}; if that is unavailable the group is kept without members.
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { prisma } from "~/db.server";
import { withRedisLock } from "~/redis/lock.server";
import type { ZohoClient } from "./client.server";
import { ZohoNotFoundError, ZohoValidationError } from "./errors";
import type { ZohoTaxGroupMember, ZohoTaxKind, ZohoTaxTable, ZohoTaxTableEntry } from "./types";

export interface TaxTableContext {
  shop: string;
  organizationId: string;
}

export const TAX_CACHE_TTL_MS = 60 * 60_000;
const MAX_TAX_PAGES = 10;
/** The tax list is a few paged GETs (30 s timeout each): the lock outlives them, waiters wait as long. */
const TAX_LOCK_TTL_MS = 120_000;
const TAX_LOCK_WAIT_MS = 60_000;

/**
 * The tax table, from the cache when it is younger than the TTL. `refresh: true` refetches (use it
 * when Zoho rejected a tax id: the merchant changed taxes since we cached them).
 */
export async function getTaxTable(
  client: ZohoClient,
  ctx: TaxTableContext,
  opts: { refresh?: boolean; now?: () => Date } = {},
): Promise<ZohoTaxTable> {
  const now = opts.now?.() ?? new Date();
  const where = { shop_organizationId: { shop: ctx.shop, organizationId: ctx.organizationId } };
  /** A cached table fetched after `since`, if any. */
  const cachedSince = async (since: number): Promise<ZohoTaxTable | null> => {
    const cached = await prisma.taxCache.findUnique({ where });
    if (!cached || cached.fetchedAt.getTime() <= since) return null;
    const parsed = cachedTableSchema.safeParse(cached.taxes);
    return parsed.success ? (parsed.data as ZohoTaxTable) : null;
  };
  // A refresh wants a table fetched from now on; otherwise one younger than the TTL will do.
  const since = opts.refresh ? now.getTime() - 1 : now.getTime() - TAX_CACHE_TTL_MS;
  if (!opts.refresh) {
    const cached = await cachedSince(since);
    if (cached) return cached;
  }
  // Orders of one shop arriving together share one fetch: per process (this map), and across the
  // worker processes (a Redis lock; the others then read what the first one cached).
  const key = `${ctx.shop}\u0000${ctx.organizationId}`;
  const pending = inFlight.get(key);
  if (pending) return pending;
  const fetching = withRedisLock(
    ["zoho-tax-table", ctx.shop, ctx.organizationId],
    { ttlMs: TAX_LOCK_TTL_MS, waitMs: TAX_LOCK_WAIT_MS },
    async () => {
      const fetchedMeanwhile = await cachedSince(since);
      if (fetchedMeanwhile) return fetchedMeanwhile;
      const table = await fetchTaxTable(client);
      const json = table as unknown as Prisma.InputJsonValue;
      await prisma.taxCache.upsert({
        where,
        create: { shop: ctx.shop, organizationId: ctx.organizationId, taxes: json, fetchedAt: now },
        update: { taxes: json, fetchedAt: now },
      });
      return table;
    },
  ).finally(() => inFlight.delete(key));
  inFlight.set(key, fetching);
  return fetching;
}

const inFlight = new Map<string, Promise<ZohoTaxTable>>();

/** The table as last cached, however old, without calling Zoho (pages name taxes with it); null if none. */
export async function cachedTaxTable(ctx: TaxTableContext): Promise<ZohoTaxTable | null> {
  const where = { shop_organizationId: { shop: ctx.shop, organizationId: ctx.organizationId } };
  const cached = await prisma.taxCache.findUnique({ where });
  const parsed = cached ? cachedTableSchema.safeParse(cached.taxes) : null;
  return parsed?.success ? (parsed.data as ZohoTaxTable) : null;
}

/** Drop the cached table (e.g. after the merchant picked another organization). */
export async function invalidateTaxTable(ctx: TaxTableContext): Promise<void> {
  await prisma.taxCache.deleteMany({ where: { shop: ctx.shop, organizationId: ctx.organizationId } });
}

/** Did Zoho refuse a request because of a tax id (deleted or changed tax)? Then refresh the table once. */
export function isRejectedTaxError(err: unknown): boolean {
  return (
    (err instanceof ZohoValidationError || err instanceof ZohoNotFoundError) &&
    err.info.status >= 400 &&
    /\btax/i.test(err.message)
  );
}

// ---- fetching and normalising --------------------------------------------------------------------

const percentage = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform(Number);
const id = z.union([z.string().min(1), z.number()]).transform(String);

const listedTaxSchema = z.object({
  tax_id: id,
  tax_name: z.string(),
  tax_percentage: percentage,
  tax_type: z.string().optional(),
  is_default_tax: z.boolean().optional(),
});

const taxesPageSchema = z.object({
  taxes: z.array(listedTaxSchema).default([]),
  page_context: z.object({ has_more_page: z.boolean().optional() }).partial().optional(),
});

const memberSchema = z.object({
  tax_id: id,
  tax_name: z.string(),
  tax_percentage: percentage,
  tax_type: z.string().optional(),
});

const groupSchema = z.object({
  tax_group_id: id,
  tax_group_name: z.string(),
  tax_group_percentage: percentage,
  taxes: z.array(memberSchema).optional(),
});

const cachedTableSchema = z.array(
  z.object({
    tax_id: z.string(),
    tax_name: z.string(),
    tax_percentage: z.number(),
    tax_type: z.enum(["tax", "compound_tax", "tax_group"]),
    is_default_tax: z.boolean(),
    members: z
      .array(
        z.object({
          tax_id: z.string(),
          tax_name: z.string(),
          tax_percentage: z.number(),
          tax_type: z.enum(["tax", "compound_tax"]),
        }),
      )
      .optional(),
  }),
);

function taxKind(type: string | undefined): ZohoTaxKind {
  return type === "compound_tax" ? "compound_tax" : "tax";
}

function unexpected(what: string, issues: z.ZodError): Error {
  return new Error(`Zoho Books sent an unexpected ${what}: ${issues.issues[0]?.message ?? "invalid shape"}`);
}

/** Reads taxes (all pages) and tax groups from Zoho and normalises them. 1 + (groups) calls. */
export async function fetchTaxTable(client: ZohoClient): Promise<ZohoTaxTable> {
  const listed: Array<z.infer<typeof listedTaxSchema>> = [];
  for (let page = 1; page <= MAX_TAX_PAGES; page++) {
    const parsed = taxesPageSchema.safeParse(await client.get("/settings/taxes", { page, per_page: 200 }));
    if (!parsed.success) throw unexpected("tax list", parsed.error);
    listed.push(...parsed.data.taxes);
    if (!parsed.data.page_context?.has_more_page) break;
  }

  const taxes: ZohoTaxTableEntry[] = listed
    .filter((t) => t.tax_type !== "tax_group")
    .map((t) => ({
      tax_id: t.tax_id,
      tax_name: t.tax_name,
      tax_percentage: t.tax_percentage,
      tax_type: taxKind(t.tax_type),
      is_default_tax: t.is_default_tax ?? false,
    }));
  const byId = new Map(taxes.map((t) => [t.tax_id, t]));

  let groups: Array<{
    id: string;
    name: string;
    percentage: number;
    isDefault: boolean;
    members?: ZohoTaxGroupMember[];
  }> = listed
    .filter((t) => t.tax_type === "tax_group")
    .map((t) => ({
      id: t.tax_id,
      name: t.tax_name,
      percentage: t.tax_percentage,
      isDefault: t.is_default_tax ?? false,
    }));
  if (groups.length === 0) groups = await listTaxGroups(client, byId);

  const entries: ZohoTaxTableEntry[] = [...taxes];
  for (const group of groups) {
    const members = group.members ?? (await groupMembers(client, group.id, byId));
    entries.push({
      tax_id: group.id,
      tax_name: group.name,
      tax_percentage: group.percentage,
      tax_type: "tax_group",
      is_default_tax: group.isDefault,
      ...(members ? { members } : {}),
    });
  }
  return entries;
}

function toMember(m: z.infer<typeof memberSchema>, byId: Map<string, ZohoTaxTableEntry>): ZohoTaxGroupMember {
  const known = byId.get(m.tax_id);
  const type = m.tax_type ?? known?.tax_type;
  return { tax_id: m.tax_id, tax_name: m.tax_name, tax_percentage: m.tax_percentage, tax_type: taxKind(type) };
}

/** An endpoint this Zoho edition does not have answers 404 (or 405 / a "not allowed" code). */
function isUnavailable(err: unknown): boolean {
  return (
    err instanceof ZohoNotFoundError ||
    (err instanceof ZohoValidationError && (err.info.status === 404 || err.info.status === 405))
  );
}

/** GET /settings/taxgroups — not in the OAS; used only when the tax list has no groups. */
async function listTaxGroups(
  client: ZohoClient,
  byId: Map<string, ZohoTaxTableEntry>,
): Promise<
  Array<{ id: string; name: string; percentage: number; isDefault: boolean; members?: ZohoTaxGroupMember[] }>
> {
  let body: unknown;
  try {
    body = await client.get("/settings/taxgroups");
  } catch (err) {
    if (isUnavailable(err)) return [];
    throw err;
  }
  const parsed = z.object({ tax_groups: z.array(groupSchema).default([]) }).safeParse(body);
  if (!parsed.success) throw unexpected("tax group list", parsed.error);
  return parsed.data.tax_groups.map((g) => ({
    id: g.tax_group_id,
    name: g.tax_group_name,
    percentage: g.tax_group_percentage,
    isDefault: false,
    ...(g.taxes ? { members: g.taxes.map((m) => toMember(m, byId)) } : {}),
  }));
}

/** GET /settings/taxgroups/{id} → members in order; undefined when Zoho cannot tell us. */
async function groupMembers(
  client: ZohoClient,
  groupId: string,
  byId: Map<string, ZohoTaxTableEntry>,
): Promise<ZohoTaxGroupMember[] | undefined> {
  let body: unknown;
  try {
    body = await client.get(`/settings/taxgroups/${encodeURIComponent(groupId)}`);
  } catch (err) {
    if (isUnavailable(err)) return undefined;
    throw err;
  }
  const parsed = z.object({ tax_group: groupSchema }).safeParse(body);
  if (!parsed.success) throw unexpected("tax group", parsed.error);
  return parsed.data.tax_group.taxes?.map((m) => toMember(m, byId));
}
