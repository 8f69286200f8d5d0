import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { tryRedisLock } from "~/redis/lock.server";
import { uniqueShop } from "~test/harness/shop";
import { issueTokensFor } from "~test/harness/zoho-accounts";
import {
  seedOrganization,
  zohoBooks,
  type SeedOrganizationInput,
  type SimOrganization,
} from "~test/harness/zoho-books";
import { ZohoClient } from "./client.server";
import { ZohoTransientError } from "./errors";
import { TAX_CACHE_TTL_MS, fetchTaxTable, getTaxTable, invalidateTaxTable, isRejectedTaxError } from "./taxes.server";

function setup(input: SeedOrganizationInput = {}) {
  const org = seedOrganization(input);
  const { accessToken } = issueTokensFor({ dataCenter: "com" });
  const client = new ZohoClient({
    apiBaseUrl: "https://www.zohoapis.com/books/v3",
    organizationId: org.organization.organization_id,
    tokens: { getAccessToken: async () => accessToken, refreshAccessToken: async () => accessToken },
    limiter: null,
    maxRetries: 0,
  });
  const ctx = { shop: uniqueShop("taxes"), organizationId: org.organization.organization_id };
  return { org, client, ctx };
}

const summary = (table: Awaited<ReturnType<typeof fetchTaxTable>>) =>
  table.map((t) => [
    t.tax_name,
    t.tax_percentage,
    t.tax_type,
    ...(t.members ? [t.members.map((m) => `${m.tax_name} ${m.tax_percentage}`)] : []),
  ]);

function nycMembers(org: SimOrganization) {
  return ["New York State", "New York City", "MCTD"].map((name) => ({
    tax_id: org.taxId(name),
    tax_name: name,
    tax_percentage: org.taxes.get(org.taxId(name))!.tax_percentage,
    tax_type: "tax",
  }));
}

describe("getTaxTable", () => {
  it("orders arriving together share one fetch of the tax table", async () => {
    const { client, ctx } = setup({ preset: "eu" });
    const tables = await Promise.all(Array.from({ length: 5 }, () => getTaxTable(client, ctx)));
    expect(new Set(tables).size).toBe(1);
    expect(zohoBooks.count("GET /settings/taxes")).toBe(1);
  });

  it("another worker process fetching the same table: this one waits for it and reads its cache, no second fetch", async () => {
    const { client, ctx } = setup({ preset: "eu" });
    const other = await tryRedisLock(["zoho-tax-table", ctx.shop, ctx.organizationId], { ttlMs: 10_000 });
    if (other === "held") throw new Error("lock unexpectedly held");
    const waiting = getTaxTable(client, ctx);

    // The other process's fetch lands in the cache, then it lets go.
    const table = await fetchTaxTable(client);
    await prisma.taxCache.create({ data: { ...ctx, taxes: table as unknown as object[], fetchedAt: new Date() } });
    await other.release();

    expect(await waiting).toEqual(table);
    expect(zohoBooks.count("GET /settings/taxes")).toBe(1);
  });

  it("normalises the taxes and caches them per shop and organization", async () => {
    const { org, client, ctx } = setup({ preset: "eu" });
    const table = await getTaxTable(client, ctx);
    expect(table).toEqual([
      { tax_id: org.taxId("IVA 22"), tax_name: "IVA 22", tax_percentage: 22, tax_type: "tax", is_default_tax: true },
      { tax_id: org.taxId("IVA 10"), tax_name: "IVA 10", tax_percentage: 10, tax_type: "tax", is_default_tax: false },
      { tax_id: org.taxId("IVA 4"), tax_name: "IVA 4", tax_percentage: 4, tax_type: "tax", is_default_tax: false },
    ]);
    // EU org without groups: the tax list plus one probe of GET /settings/taxgroups (404 → none).
    expect(zohoBooks.counts()).toEqual({ "GET /settings/taxes": 1, "GET /settings/taxgroups": 1 });
    const row = await prisma.taxCache.findUnique({ where: { shop_organizationId: ctx } });
    expect(row?.taxes).toEqual(table);

    zohoBooks.clearRequests();
    expect(await getTaxTable(client, ctx)).toEqual(table);
    expect(zohoBooks.count()).toBe(0);

    // Another shop on the same organization has its own cache.
    await getTaxTable(client, { ...ctx, shop: uniqueShop("taxes") });
    expect(zohoBooks.count("GET /settings/taxes")).toBe(1);
  });

  it("refetches after the TTL and on refresh (a tax Zoho rejected)", async () => {
    const { org, client, ctx } = setup({ preset: "eu" });
    const t0 = new Date("2026-03-14T10:00:00Z");
    await getTaxTable(client, ctx, { now: () => t0 });
    org.taxes.get(org.taxId("IVA 4"))!.tax_name = "IVA 4 (ridotta)";
    zohoBooks.clearRequests();

    const fresh = await getTaxTable(client, ctx, { now: () => new Date(t0.getTime() + TAX_CACHE_TTL_MS - 1000) });
    expect(fresh.map((t) => t.tax_name)).toContain("IVA 4");
    expect(zohoBooks.count()).toBe(0);

    const expired = await getTaxTable(client, ctx, { now: () => new Date(t0.getTime() + TAX_CACHE_TTL_MS) });
    expect(expired.map((t) => t.tax_name)).toContain("IVA 4 (ridotta)");

    org.taxes.delete(org.taxId("IVA 10"));
    const refreshed = await getTaxTable(client, ctx, {
      refresh: true,
      now: () => new Date(t0.getTime() + TAX_CACHE_TTL_MS + 1),
    });
    expect(refreshed.map((t) => t.tax_name)).toEqual(["IVA 22", "IVA 4 (ridotta)"]);
    expect(zohoBooks.count("GET /settings/taxes")).toBe(2);
  });

  it("refetches when the cached row is unreadable, and after invalidateTaxTable", async () => {
    const { client, ctx } = setup({ preset: "eu" });
    await prisma.taxCache.create({ data: { ...ctx, taxes: { not: "a table" } } });
    expect((await getTaxTable(client, ctx)).length).toBe(3);
    await invalidateTaxTable(ctx);
    expect(await prisma.taxCache.findUnique({ where: { shop_organizationId: ctx } })).toBeNull();
  });

  it("does not cache a failed fetch", async () => {
    const { client, ctx } = setup({ preset: "eu" });
    zohoBooks.inject({ kind: "internal-error", path: "/settings/taxes" });
    await expect(getTaxTable(client, ctx)).rejects.toBeInstanceOf(ZohoTransientError);
    expect(await prisma.taxCache.findUnique({ where: { shop_organizationId: ctx } })).toBeNull();
  });
});

describe("fetchTaxTable: tax groups", () => {
  it("takes groups from the tax list and their members from /settings/taxgroups/{id}", async () => {
    const { org, client } = setup({ preset: "us" });
    const table = await fetchTaxTable(client);
    expect(summary(table)).toEqual([
      ["New York State", 4, "tax"],
      ["New York City", 4.5, "tax"],
      ["Westchester County", 4, "tax"],
      ["MCTD", 0.375, "tax"],
      ["NYC Sales Tax", 8.875, "tax_group", ["New York State 4", "New York City 4.5", "MCTD 0.375"]],
      ["Westchester Sales Tax", 8.375, "tax_group", ["New York State 4", "Westchester County 4", "MCTD 0.375"]],
    ]);
    expect(table[4]).toEqual({
      tax_id: org.taxId("NYC Sales Tax"),
      tax_name: "NYC Sales Tax",
      tax_percentage: 8.875,
      tax_type: "tax_group",
      is_default_tax: false,
      members: nycMembers(org),
    });
    expect(zohoBooks.counts()).toEqual({ "GET /settings/taxes": 1, "GET /settings/taxgroups/{id}": 2 });
  });

  it("keeps a group without members when the details endpoint is missing", async () => {
    const { client } = setup({ preset: "ca", settings: { taxGroupDetailsEndpoint: false } });
    const groups = (await fetchTaxTable(client)).filter((t) => t.tax_type === "tax_group");
    expect(groups.map((g) => [g.tax_name, g.tax_percentage, g.members])).toEqual([
      ["GST + PST", 12, undefined],
      ["GST + QST", 14.975, undefined],
    ]);
  });

  it("uses GET /settings/taxgroups when the tax list has no groups", async () => {
    const { org, client } = setup({
      preset: "us",
      settings: { taxGroupsInTaxList: false, taxGroupListEndpoint: true },
    });
    const groups = (await fetchTaxTable(client)).filter((t) => t.tax_type === "tax_group");
    expect(groups.map((g) => g.tax_name)).toEqual(["NYC Sales Tax", "Westchester Sales Tax"]);
    expect(groups[0]!.members).toEqual(nycMembers(org));
    expect(zohoBooks.counts()).toEqual({ "GET /settings/taxes": 1, "GET /settings/taxgroups": 1 });
  });

  it("has no groups when neither the list nor the endpoint shows them", async () => {
    const { client } = setup({ preset: "us", settings: { taxGroupsInTaxList: false } });
    const table = await fetchTaxTable(client);
    expect(table.every((t) => t.tax_type === "tax")).toBe(true);
    expect(table).toHaveLength(4);
  });

  it("keeps compound taxes and their place in a group", async () => {
    const { client } = setup({
      taxes: [
        { tax_name: "GST", tax_percentage: 5 },
        { tax_name: "QST (old)", tax_percentage: 9.5, tax_type: "compound_tax" },
      ],
      taxGroups: [{ tax_group_name: "GST + QST (old)", taxes: ["GST", "QST (old)"] }],
    });
    expect(summary(await fetchTaxTable(client))).toEqual([
      ["GST", 5, "tax"],
      ["QST (old)", 9.5, "compound_tax"],
      ["GST + QST (old)", 14.5, "tax_group", ["GST 5", "QST (old) 9.5"]],
    ]);
    const table = await fetchTaxTable(client);
    expect(table[2]!.members!.map((m) => m.tax_type)).toEqual(["tax", "compound_tax"]);
  });

  it("reads every page of a long tax list", async () => {
    const taxes = Array.from({ length: 230 }, (_, i) => ({ tax_name: `Rate ${i}`, tax_percentage: i / 10 }));
    const { client } = setup({ taxes, taxGroups: [] });
    const table = await fetchTaxTable(client);
    expect(table).toHaveLength(230);
    expect(table[229]).toMatchObject({ tax_name: "Rate 229", tax_percentage: 22.9 });
    expect(zohoBooks.count("GET /settings/taxes")).toBe(2);
  });
});

describe("isRejectedTaxError", () => {
  it("recognises Zoho refusing a tax id, and nothing else", async () => {
    const { org, client } = setup({ preset: "eu" });
    const customer = zohoBooks.seedContact(org.organization.organization_id, { contact_name: "Ada" });
    const post = (body: Record<string, unknown>) =>
      client
        .post("/invoices", {
          customer_id: customer.contact_id,
          line_items: [{ name: "Mug", rate: 1, quantity: 1 }],
          ...body,
        })
        .catch((e: unknown) => e);
    expect(
      isRejectedTaxError(await post({ line_items: [{ name: "Mug", rate: 1, quantity: 1, tax_id: "4600000099" }] })),
    ).toBe(true);
    expect(isRejectedTaxError(await post({ customer_id: "1" }))).toBe(false);
    zohoBooks.inject({ kind: "internal-error" });
    expect(isRejectedTaxError(await post({}))).toBe(false);
    expect(isRejectedTaxError(new Error("tax"))).toBe(false);
  });
});
