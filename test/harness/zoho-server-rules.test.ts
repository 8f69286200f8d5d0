// The rules of `npm run zoho-server -- --rules …` (each one of the Books simulator's strict switches),
// each applied alone to an organization seeded the way scripts/zoho-server.ts seeds it, and checked over
// HTTP (msw, the handlers the server serves): the rule refuses or changes what it says, and the request
// that satisfies it is accepted. `--strict` is every rule: STRICT_ORG_SETTINGS.
import { afterAll, describe, expect, it } from "vitest";
import { freePort, spawnTs, type ManagedProcess } from "./processes";
import { seedOrganization, STRICT_ORG_SETTINGS, type SimOrganization } from "./zoho-books";
import { books, invoiceBody } from "./zoho-books/test-http";
import {
  parseZohoServerRules,
  ZOHO_SERVER_RULES,
  zohoServerRuleSettings,
  type ZohoServerRule,
} from "./zoho-server-rules";

// A 5 % tax besides the EU preset's: 3 × 0.10 at 5 % is 0.33 rounded per line, 0.32 per invoice.
const VAT5 = [
  { tax_name: "IVA 22", tax_percentage: 22 },
  { tax_name: "VAT 5", tax_percentage: 5 },
];
const served = (rules: string) =>
  seedOrganization({ taxes: VAT5, settings: zohoServerRuleSettings(parseZohoServerRules(rules)) });

const invoiceId = (answer: { json: Record<string, unknown> }) =>
  (answer.json.invoice as { invoice_id: string }).invoice_id;

/** For each rule: what it refuses (or changes) and what it still accepts. */
const CHECKS: Record<ZohoServerRule, (org: SimOrganization) => Promise<void>> = {
  "items-required": async (org) => {
    const refused = await books("POST", "/invoices", { org, body: invoiceBody(org) });
    expect([refused.status, refused.json.code]).toEqual([400, 2]);
    expect(refused.json.message).toMatch(/^Invalid value passed for item_id/);
    const item = await books("POST", "/items", { org, body: { name: "Mug", rate: 10 } });
    const itemId = (item.json.item as { item_id: string }).item_id;
    const body = invoiceBody(org, { line_items: [{ item_id: itemId, rate: 10, quantity: 1 }] });
    expect((await books("POST", "/invoices", { org, body })).status).toBe(201);
  },
  "negative-refused": async (org) => {
    const negative = [
      { name: "Mug", rate: 10, quantity: 1 },
      { name: "Discount", rate: -1, quantity: 1 },
    ];
    const refused = await books("POST", "/invoices", { org, body: invoiceBody(org, { line_items: negative }) });
    expect([refused.status, refused.json.code]).toEqual([400, 2]);
    expect(refused.json.message).toMatch(/negative/);
    const discounted = [{ name: "Mug", rate: 10, quantity: 1, discount: 1 }];
    const ok = await books("POST", "/invoices", { org, body: invoiceBody(org, { line_items: discounted }) });
    expect(ok.json.invoice).toMatchObject({ total: "9.00" });
  },
  "per-invoice-rounding": async (org) => {
    // 3 × 0.10 at 5 %: per line 3 × round(0.005) = 0.03, once per invoice round(0.015) = 0.02.
    const lines = [0, 1, 2].map(() => ({ name: "Clip", rate: 0.1, quantity: 1, tax_id: org.taxId("VAT 5") }));
    const created = await books("POST", "/invoices", { org, body: invoiceBody(org, { line_items: lines }) });
    expect(created.json.invoice).toMatchObject({ total: "0.32" });
    const perLine = served("");
    const body = invoiceBody(perLine, { line_items: lines.map((l) => ({ ...l, tax_id: perLine.taxId("VAT 5") })) });
    expect((await books("POST", "/invoices", { org: perLine, body })).json.invoice).toMatchObject({ total: "0.33" });
  },
  "sku-filter-ignored": async (org) => {
    await books("POST", "/items", { org, body: { name: "Mug", sku: "MUG-1", rate: 10 } });
    await books("POST", "/items", { org, body: { name: "Cup", sku: "CUP-1", rate: 5 } });
    const listed = await books("GET", "/items", { org, query: { sku: "CUP-1" } });
    expect((listed.json.items as Array<{ name: string }>).map((i) => i.name)).toEqual(["Mug", "Cup"]);
  },
  "draft-void-refused": async (org) => {
    const id = invoiceId(await books("POST", "/invoices", { org, body: invoiceBody(org) }));
    const refused = await books("POST", `/invoices/${id}/status/void`, { org });
    expect([refused.status, refused.json.code]).toEqual([400, 9002]);
    expect((await books("POST", `/invoices/${id}/status/sent`, { org })).status).toBe(200);
    expect((await books("POST", `/invoices/${id}/status/void`, { org })).status).toBe(200);
  },
};

describe("zoho-server --rules", () => {
  it('parses a list, "all" and nothing; refuses an unknown rule', () => {
    expect([...parseZohoServerRules(" items-required , negative-refused")]).toEqual([
      "items-required",
      "negative-refused",
    ]);
    expect([...parseZohoServerRules("all")]).toEqual(Object.keys(ZOHO_SERVER_RULES));
    expect(parseZohoServerRules("").size).toBe(0);
    expect(() => parseZohoServerRules("items-required,lenient")).toThrow(/unknown rule lenient/);
  });

  it("--strict (every rule) is the simulator's strictest organization", () => {
    expect(zohoServerRuleSettings(parseZohoServerRules("all"))).toEqual(STRICT_ORG_SETTINGS);
  });

  for (const rule of Object.keys(ZOHO_SERVER_RULES) as ZohoServerRule[]) {
    it(`${rule} alone: ${ZOHO_SERVER_RULES[rule].about}`, async () => {
      const org = served(rule);
      // Only this rule's switch differs from an organization without rules.
      const changed = Object.entries(org.settings).filter(
        ([k, v]) => v !== (served("").settings as unknown as Record<string, unknown>)[k],
      );
      expect(Object.fromEntries(changed)).toEqual(ZOHO_SERVER_RULES[rule].settings);
      await CHECKS[rule](org);
    });
  }

  it("an organization without rules takes what the rules refuse", async () => {
    const org = served("");
    const lines = [
      { name: "Mug", rate: 10, quantity: 1 },
      { name: "Discount", rate: -1, quantity: 1 },
    ];
    const created = await books("POST", "/invoices", { org, body: invoiceBody(org, { line_items: lines }) });
    expect(created.status).toBe(201);
    expect((await books("POST", `/invoices/${invoiceId(created)}/status/void`, { org })).status).toBe(200);
  });
});

describe("npm run zoho-server -- --rules (the script itself)", () => {
  const children: ManagedProcess[] = [];
  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop({ graceMs: 5_000 })));
  });
  const start = async (args: string[]) => {
    const child = spawnTs("scripts/zoho-server.ts", {
      name: "zoho-server",
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      args: ["--port", String(await freePort()), ...args],
      forwardShopify: false,
    });
    children.push(child);
    return child;
  };

  it("starts with the rules it names and says so; refuses an unknown rule", { timeout: 60_000 }, async () => {
    const server = await start(["--rules", "items-required,per-invoice-rounding"]);
    const line = await server.waitForLine((l) => l.trimStart().startsWith("rules:"), {
      timeoutMs: 30_000,
      what: "the server's rules line",
    });
    expect(line).toContain("items-required — every invoice line needs an item_id");
    expect(line).toContain("per-invoice-rounding — tax is rounded once per invoice");
    expect(line).not.toContain("negative-refused");

    const refused = await start(["--rules", "lenient"]);
    expect((await refused.exited).code).not.toBe(0);
    expect(refused.output()).toMatch(/unknown rule lenient/);
  });
});
