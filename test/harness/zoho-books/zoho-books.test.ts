// The Books simulator's own behaviour: routing, auth, validation codes, the totals model
// (docs/zoho-simulator.md), draft-only update, delete refusal, and fault injection.
import { describe, expect, it } from "vitest";
import { ZohoClient } from "~/zoho/client.server";
import { DATA_CENTERS, type DataCenterId } from "~/zoho/data-centers";
import { ZohoRateLimitError, ZohoTransientError, ZohoDailyQuotaError, ZohoValidationError } from "~/zoho/errors";
import type { ZohoInvoice, ZohoInvoiceResponse } from "~/zoho/types";
import { addZohoAccountsServer, expireZohoAccessTokens, issueTokensFor } from "../zoho-accounts";
import {
  ZOHO_BOOKS_API_DOMAINS,
  computeInvoiceTotals,
  seedOrganization,
  zohoBooks,
  type SimOrganization,
} from "./index";

const base = (dc: DataCenterId = "com") => `${DATA_CENTERS[dc].apiDomain}/books/v3`;

/** Raw HTTP against the simulator, so status codes and headers are visible. */
async function call(
  method: string,
  path: string,
  opts: {
    org?: SimOrganization | string | null;
    token?: string | null;
    body?: unknown;
    rawBody?: string;
    contentType?: string;
    dc?: DataCenterId;
    baseUrl?: string;
    query?: Record<string, string>;
  } = {},
) {
  const dc = opts.dc ?? "com";
  const url = new URL((opts.baseUrl ?? base(dc)) + path);
  const orgId = typeof opts.org === "string" ? opts.org : opts.org?.organization.organization_id;
  if (orgId) url.searchParams.set("organization_id", orgId);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const token = opts.token === undefined ? issueTokensFor({ dataCenter: dc }).accessToken : opts.token;
  const headers: Record<string, string> = {};
  if (token !== null) headers.Authorization = `Zoho-oauthtoken ${token}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) {
    body = opts.rawBody;
    headers["Content-Type"] = opts.contentType ?? "application/x-www-form-urlencoded";
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["Content-Type"] = "application/json";
  }
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  const json = (await res.json()) as Record<string, unknown> & { code: number; message: string };
  return { status: res.status, json, headers: res.headers };
}

function client(org: SimOrganization, opts: { timeoutMs?: number; dc?: DataCenterId } = {}) {
  const { accessToken } = issueTokensFor({ dataCenter: opts.dc ?? "com" });
  return new ZohoClient({
    apiBaseUrl: base(opts.dc),
    organizationId: org.organization.organization_id,
    tokens: { getAccessToken: async () => accessToken, refreshAccessToken: async () => accessToken },
    limiter: null,
    maxRetries: 0,
    sleep: async () => {},
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
}

function customer(org: SimOrganization, name = "Ada Lovelace") {
  return zohoBooks.seedContact(org.organization.organization_id, {
    contact_name: name,
    email: `${name.split(" ")[0]!.toLowerCase()}@example.com`,
  });
}

async function createInvoice(org: SimOrganization, body: Record<string, unknown>) {
  const res = await call("POST", "/invoices", { org, body });
  return res;
}

const line = (over: Record<string, unknown> = {}) => ({ name: "Mug", rate: 10, quantity: 1, ...over });

describe("routing and auth", () => {
  it("serves every data-center API domain and answers GET /organizations", async () => {
    const org = seedOrganization();
    expect(ZOHO_BOOKS_API_DOMAINS).toHaveLength(8);
    for (const dc of Object.keys(DATA_CENTERS) as DataCenterId[]) {
      const res = await call("GET", "/organizations", { dc });
      expect(res.status).toBe(200);
      const orgs = res.json.organizations as Array<{ organization_id: string; price_precision: number }>;
      expect(orgs.map((o) => o.organization_id)).toContain(org.organization.organization_id);
    }
  });

  it("serves a base URL registered at runtime, with tokens bound to that host", async () => {
    const org = seedOrganization();
    const sandbox = "https://zoho.sandbox.example/books/v3";
    zohoBooks.addBaseUrl(`${sandbox}/`);
    addZohoAccountsServer("https://accounts.sandbox.example", "https://zoho.sandbox.example");
    const { accessToken } = issueTokensFor({ accountsServer: "https://accounts.sandbox.example" });
    const res = await call("GET", "/settings/taxes", { baseUrl: sandbox, token: accessToken, org });
    expect(res.status).toBe(200);
    expect(zohoBooks.requests.at(-1)).toMatchObject({ host: "zoho.sandbox.example", template: "/settings/taxes" });
    // A zohoapis.com token is no good there, like a token of another data center.
    const wrong = await call("GET", "/settings/taxes", { baseUrl: sandbox, org });
    expect([wrong.status, wrong.json.code]).toEqual([401, 57]);
  });

  it("restricts an organization to its API domain", async () => {
    const eu = seedOrganization({ apiDomain: "https://www.zohoapis.eu" });
    expect((await call("GET", "/settings/taxes", { org: eu, dc: "eu" })).status).toBe(200);
    const wrong = await call("GET", "/settings/taxes", { org: eu, dc: "com" });
    expect(wrong.status).toBe(400);
    expect(wrong.json.code).toBe(6041);
    const listed = await call("GET", "/organizations", { dc: "com" });
    expect((listed.json.organizations as unknown[]).length).toBe(0);
  });

  it("answers 401 code 14 without a Zoho-oauthtoken header and 57 for a bad, expired or wrong-DC token", async () => {
    const org = seedOrganization();
    expect((await call("GET", "/settings/taxes", { org, token: null })).json).toMatchObject({ code: 14 });
    const bearer = await fetch(`${base()}/settings/taxes?organization_id=${org.organization.organization_id}`, {
      headers: { Authorization: "Bearer x" },
    });
    expect(bearer.status).toBe(401);
    const bad = await call("GET", "/settings/taxes", { org, token: "1000.nope" });
    expect([bad.status, bad.json.code]).toEqual([401, 57]);
    const euToken = issueTokensFor({ dataCenter: "eu" }).accessToken;
    expect((await call("GET", "/settings/taxes", { org, token: euToken })).status).toBe(401);
    const token = issueTokensFor({ dataCenter: "com" }).accessToken;
    expect((await call("GET", "/settings/taxes", { org, token })).status).toBe(200);
    expireZohoAccessTokens();
    expect((await call("GET", "/settings/taxes", { org, token })).json.code).toBe(57);
  });

  it("requires organization_id and rejects unknown ones, unknown paths and methods", async () => {
    seedOrganization();
    const missing = await call("GET", "/invoices");
    expect([missing.status, missing.json.code]).toEqual([400, 2]);
    expect((await call("GET", "/invoices", { org: "123" })).json.code).toBe(6041);
    const org = seedOrganization();
    const unknown = await call("GET", "/bills", { org });
    expect([unknown.status, unknown.json.code]).toEqual([404, 5]);
    const patch = await call("PATCH", "/invoices", { org });
    expect([patch.status, patch.json.code]).toEqual([405, 37]);
  });

  it("takes JSON only: a form body or broken JSON is code 1038", async () => {
    const org = seedOrganization();
    const form = await call("POST", "/contacts", { org, rawBody: "JSONString=%7B%7D" });
    expect([form.status, form.json.code]).toEqual([400, 1038]);
    const broken = await call("POST", "/contacts", {
      org,
      rawBody: '{"contact_name":',
      contentType: "application/json",
    });
    expect(broken.json.code).toBe(1038);
  });
});

describe("taxes", () => {
  it("lists taxes and, when the org does so, tax groups with tax_type tax_group", async () => {
    const org = seedOrganization({ preset: "ca" });
    const res = await call("GET", "/settings/taxes", { org });
    const taxes = res.json.taxes as Array<{ tax_name: string; tax_percentage: number; tax_type: string }>;
    expect(taxes.map((t) => [t.tax_name, t.tax_percentage, t.tax_type])).toEqual([
      ["GST", 5, "tax"],
      ["PST", 7, "tax"],
      ["QST", 9.975, "tax"],
      ["HST", 13, "tax"],
      ["GST + PST", 12, "tax_group"],
      ["GST + QST", 14.975, "tax_group"],
    ]);
    expect(res.json.page_context).toMatchObject({ page: 1, per_page: 200, has_more_page: false });

    org.settings.taxGroupsInTaxList = false;
    const plain = await call("GET", "/settings/taxes", { org });
    expect((plain.json.taxes as unknown[]).length).toBe(4);
  });

  it("returns a tax group's members, 404s when the endpoint is off, and lists groups only when enabled", async () => {
    const org = seedOrganization({ preset: "us" });
    const id = org.taxId("NYC Sales Tax");
    const group = await call("GET", `/settings/taxgroups/${id}`, { org });
    expect(group.json.tax_group).toMatchObject({
      tax_group_id: id,
      tax_group_percentage: 8.875,
      taxes: [{ tax_name: "New York State" }, { tax_name: "New York City" }, { tax_name: "MCTD" }],
    });
    expect((await call("GET", "/settings/taxgroups/1", { org })).json.code).toBe(1002);
    expect((await call("GET", "/settings/taxgroups", { org })).status).toBe(404);
    org.settings.taxGroupListEndpoint = true;
    expect(((await call("GET", "/settings/taxgroups", { org })).json.tax_groups as unknown[]).length).toBe(2);
    org.settings.taxGroupDetailsEndpoint = false;
    expect((await call("GET", `/settings/taxgroups/${id}`, { org })).json).toMatchObject({ code: 5 });
  });
});

describe("contacts", () => {
  it("creates a contact and refuses a duplicate name (any case) with 3062", async () => {
    const org = seedOrganization();
    const body = {
      contact_name: "Grace Hopper",
      contact_type: "customer",
      customer_sub_type: "individual",
      billing_address: { address: "1 Navy Way", city: "Arlington", zip: "22201", country: "US" },
      contact_persons: [
        { first_name: "Grace", last_name: "Hopper", email: "grace@example.com", is_primary_contact: true },
      ],
    };
    const created = await call("POST", "/contacts", { org, body });
    expect(created.status).toBe(201);
    expect(created.json.contact).toMatchObject({
      contact_name: "Grace Hopper",
      email: "grace@example.com",
      billing_address: { city: "Arlington" },
    });
    const dup = await call("POST", "/contacts", { org, body: { ...body, contact_name: "grace hopper" } });
    expect([dup.status, dup.json.code]).toEqual([400, 3062]);
    expect(dup.json.message).toBe('The customer "grace hopper" already exists. Please specify a different name.');
  });

  it("validates lengths and the single primary contact person", async () => {
    const org = seedOrganization();
    const long = await call("POST", "/contacts", {
      org,
      body: { contact_name: "X", billing_address: { city: "c".repeat(101) } },
    });
    expect([long.status, long.json.code]).toEqual([400, 2]);
    const twoPrimaries = await call("POST", "/contacts", {
      org,
      body: {
        contact_name: "Y",
        contact_persons: [
          { email: "a@x.io", is_primary_contact: true },
          { email: "b@x.io", is_primary_contact: true },
        ],
      },
    });
    expect(twoPrimaries.json.code).toBe(2);
    expect((await call("POST", "/contacts", { org, body: { company_name: "no name" } })).json.code).toBe(2);
  });

  it("filters by email on the primary person only, by exact contact_name, and by type", async () => {
    const org = seedOrganization();
    const id = org.organization.organization_id;
    zohoBooks.seedContact(id, {
      contact_name: "Shared Inbox Ltd",
      contact_persons: [{ email: "boss@x.io", is_primary_contact: true }, { email: "clerk@x.io" }],
    });
    zohoBooks.seedContact(id, { contact_name: "Supplier", email: "boss@x.io", contact_type: "vendor" });
    const byEmail = async (email: string, extra: Record<string, string> = {}) =>
      (
        (await call("GET", "/contacts", { org, query: { email, ...extra } })).json.contacts as Array<{
          contact_name: string;
        }>
      ).map((c) => c.contact_name);
    expect(await byEmail("BOSS@x.io")).toEqual(["Shared Inbox Ltd", "Supplier"]);
    expect(await byEmail("boss@x.io", { contact_type: "customer" })).toEqual(["Shared Inbox Ltd"]);
    expect(await byEmail("clerk@x.io")).toEqual([]);
    const byName = await call("GET", "/contacts", { org, query: { contact_name: "shared inbox ltd" } });
    expect((byName.json.contacts as unknown[]).length).toBe(1);
    const partial = await call("GET", "/contacts", { org, query: { contact_name: "Shared" } });
    expect((partial.json.contacts as unknown[]).length).toBe(0);
  });

  it("PUT replaces contact persons: persons left out are removed, ids keep them", async () => {
    const org = seedOrganization();
    const c = zohoBooks.seedContact(org.organization.organization_id, {
      contact_name: "Two People",
      contact_persons: [{ email: "one@x.io" }, { email: "two@x.io" }],
    });
    const keep = c.contact_persons[1]!.contact_person_id;
    const res = await call("PUT", `/contacts/${c.contact_id}`, {
      org,
      body: {
        contact_name: "Two People",
        contact_persons: [{ contact_person_id: keep, email: "two@x.io", is_primary_contact: true }],
      },
    });
    expect(res.status).toBe(200);
    expect(org.contacts.get(c.contact_id)!.contact_persons).toEqual([
      { contact_person_id: keep, email: "two@x.io", is_primary_contact: true },
    ]);
    expect((await call("PUT", `/contacts/${c.contact_id}`, { org, body: {} })).json.code).toBe(2);
    expect((await call("GET", "/contacts/9", { org })).json).toMatchObject({ code: 1002 });
  });
});

describe("items", () => {
  it("filters active items by exact sku", async () => {
    const org = seedOrganization();
    const id = org.organization.organization_id;
    const mug = zohoBooks.seedItem(id, { name: "Mug", sku: "MUG-1", rate: 12 });
    zohoBooks.seedItem(id, { name: "Mug XL", sku: "MUG-10" });
    zohoBooks.seedItem(id, { name: "Old Mug", sku: "MUG-1", status: "inactive" });
    const res = await call("GET", "/items", { org, query: { sku: "MUG-1" } });
    expect(res.json.items).toEqual([{ item_id: mug.item_id, name: "Mug", sku: "MUG-1", rate: 12, status: "active" }]);
  });
});

describe("invoices", () => {
  it("creates drafts numbered INV-000001, INV-000002 with HTTP 201 and string totals", async () => {
    const org = seedOrganization();
    const c = customer(org);
    const first = await createInvoice(org, {
      customer_id: c.contact_id,
      reference_number: "#1001",
      date: "2026-03-01",
      line_items: [line()],
    });
    expect(first.status).toBe(201);
    expect(first.json.invoice).toMatchObject({
      invoice_number: "INV-000001",
      status: "draft",
      total: "10.00",
      balance: "10.00",
      customer_name: "Ada Lovelace",
      reference_number: "#1001",
    });
    const second = await createInvoice(org, { customer_id: c.contact_id, line_items: [line()] });
    expect((second.json.invoice as ZohoInvoice).invoice_number).toBe("INV-000002");
    const sent = await call("POST", "/invoices", {
      org,
      body: { customer_id: c.contact_id, line_items: [line()] },
      query: { send: "true" },
    });
    expect((sent.json.invoice as ZohoInvoice).status).toBe("sent");
  });

  it("validates bodies like Zoho", async () => {
    const org = seedOrganization();
    const c = customer(org);
    const bad = async (body: Record<string, unknown>) => {
      const res = await createInvoice(org, { customer_id: c.contact_id, line_items: [line()], ...body });
      return [res.status, res.json.code, res.json.message];
    };
    expect(await bad({ line_items: [] })).toEqual([400, 2, "Invalid value passed for line_items"]);
    expect(await bad({ line_items: undefined })).toEqual([400, 2, "Invalid value passed for line_items"]);
    expect(await bad({ customer_id: "1" })).toEqual([400, 2, "Invalid value passed for customer_id"]);
    expect(await bad({ customer_id: undefined })).toEqual([400, 2, "Invalid value passed for customer_id"]);
    expect(await bad({ line_items: [line({ name: "n".repeat(101) })] })).toEqual([
      400,
      2,
      "Invalid value passed for name: at most 100 characters",
    ]);
    expect((await bad({ line_items: [line({ name: "n".repeat(100), description: "d".repeat(2000) })] }))[0]).toBe(201);
    expect((await bad({ line_items: [line({ description: "d".repeat(2001) })] }))[1]).toBe(2);
    expect(await bad({ line_items: [line({ quantity: 0 })] })).toEqual([
      400,
      2,
      "Invalid value passed for quantity: must be greater than zero",
    ]);
    expect(await bad({ line_items: [line({ tax_id: "4600000" })] })).toEqual([
      400,
      2,
      "Invalid value passed for tax_id",
    ]);
    expect((await bad({ line_items: [line({ rate: "abc" })] }))[1]).toBe(2);
    expect((await bad({ adjustment: "x" }))[1]).toBe(2);
    expect((await bad({ reference_number: 1001 }))[1]).toBe(2);
    expect((await bad({ date: "01/03/2026" }))[1]).toBe(2);
    expect((await bad({ shipping_charge: "5.00" }))[1]).toBe(2);
    expect(org.invoices.size).toBe(1);
  });

  it("finds invoices by exact reference_number and gets one by id", async () => {
    const org = seedOrganization();
    const c = customer(org);
    for (const ref of ["#1001", "#10011", "#1001"])
      await createInvoice(org, { customer_id: c.contact_id, reference_number: ref, line_items: [line()] });
    const found = await call("GET", "/invoices", { org, query: { reference_number: "#1001" } });
    const invoices = found.json.invoices as Array<{ invoice_id: string; reference_number: string; total: number }>;
    expect(invoices.map((i) => i.reference_number)).toEqual(["#1001", "#1001"]);
    expect(invoices[0]!.total).toBe(10);
    const one = await call("GET", `/invoices/${invoices[0]!.invoice_id}`, { org });
    expect((one.json.invoice as ZohoInvoice).invoice_id).toBe(invoices[0]!.invoice_id);
    expect((await call("GET", "/invoices/42", { org })).json).toEqual({
      code: 1002,
      message: "Invoice does not exist.",
    });
  });

  it("updates only drafts, keeping line ids sent back and dropping lines left out", async () => {
    const org = seedOrganization();
    const c = customer(org);
    const created = (
      await createInvoice(org, { customer_id: c.contact_id, line_items: [line(), line({ name: "Cup" })] })
    ).json.invoice as ZohoInvoice;
    const keep = created.line_items[1]!.line_item_id;
    const put = await call("PUT", `/invoices/${created.invoice_id}`, {
      org,
      body: {
        customer_id: c.contact_id,
        line_items: [line({ line_item_id: keep, name: "Cup", rate: 20 })],
        adjustment: -0.01,
        adjustment_description: "Rounding",
      },
    });
    expect(put.status).toBe(200);
    const updated = put.json.invoice as ZohoInvoice;
    expect(updated.line_items.map((l) => [l.line_item_id, l.name])).toEqual([[keep, "Cup"]]);
    expect(updated.total).toBe("19.99");
    expect(
      (
        await call("PUT", `/invoices/${created.invoice_id}`, {
          org,
          body: { customer_id: c.contact_id, line_items: [line({ line_item_id: "1" })] },
        })
      ).json.code,
    ).toBe(2);

    expect((await call("POST", `/invoices/${created.invoice_id}/status/sent`, { org })).json.code).toBe(0);
    const refused = await call("PUT", `/invoices/${created.invoice_id}`, {
      org,
      body: { customer_id: c.contact_id, line_items: [line()] },
    });
    expect([refused.status, refused.json.code]).toEqual([400, 9001]);
    expect(refused.json.message).toContain("only draft invoices can be edited");
  });

  it("moves status draft → sent → void → draft and refuses the other transitions", async () => {
    const org = seedOrganization();
    const c = customer(org);
    const inv = (await createInvoice(org, { customer_id: c.contact_id, line_items: [line()] })).json
      .invoice as ZohoInvoice;
    const to = async (s: string) => (await call("POST", `/invoices/${inv.invoice_id}/status/${s}`, { org })).json.code;
    expect(await to("draft")).toBe(9002);
    expect(await to("sent")).toBe(0);
    expect(await to("sent")).toBe(9002);
    expect(await to("void")).toBe(0);
    expect(zohoBooks.invoice(org.organization.organization_id, inv.invoice_id)).toMatchObject({
      status: "void",
      total: "0.00",
    });
    expect(await to("draft")).toBe(0);
    expect(zohoBooks.invoice(org.organization.organization_id, inv.invoice_id).status).toBe("draft");
  });

  it("refuses to delete an invoice with payments (code 4001) and deletes one without", async () => {
    const org = seedOrganization();
    const c = customer(org);
    const id = org.organization.organization_id;
    const paid = (await createInvoice(org, { customer_id: c.contact_id, line_items: [line()] })).json
      .invoice as ZohoInvoice;
    expect(zohoBooks.recordPayment(id, paid.invoice_id, "4.00")).toMatchObject({
      status: "partially_paid",
      balance: "6.00",
    });
    const refused = await call("DELETE", `/invoices/${paid.invoice_id}`, { org });
    expect([refused.status, refused.json.code]).toEqual([400, 4001]);
    expect(refused.json.message).toContain("cannot be deleted");
    expect(zohoBooks.recordPayment(id, paid.invoice_id)).toMatchObject({ status: "paid", balance: "0.00" });

    const free = (await createInvoice(org, { customer_id: c.contact_id, line_items: [line()] })).json
      .invoice as ZohoInvoice;
    expect((await call("DELETE", `/invoices/${free.invoice_id}`, { org })).json).toEqual({
      code: 0,
      message: "The invoice has been deleted.",
    });
    expect(org.invoices.has(free.invoice_id)).toBe(false);
    expect((await call("DELETE", `/invoices/${free.invoice_id}`, { org })).status).toBe(404);
  });
});

describe("totals model", () => {
  const opts = { isInclusiveTax: false, pricePrecision: 2, taxRounding: "line" as const };
  const vat = (pct: number, compound = false, id = `t${pct}`) => ({
    tax_id: id,
    tax_name: `Tax ${pct}`,
    percentage: pct,
    compound,
  });

  it("rounds the rate to price_precision before multiplying (12345.545 → 12345.55)", () => {
    const t = computeInvoiceTotals([{ rate: 12345.545, quantity: 2, taxes: [] }], opts);
    expect(t.lines[0]!.rate.toString()).toBe("12345.55");
    expect(t.total.toFixed(2)).toBe("24691.10");
    const jpy = computeInvoiceTotals([{ rate: 99.5, quantity: 3, taxes: [vat(10)] }], { ...opts, pricePrecision: 0 });
    expect([jpy.lines[0]!.item_total.toString(), jpy.tax_total.toString(), jpy.total.toString()]).toEqual([
      "300",
      "30",
      "330",
    ]);
    const three = computeInvoiceTotals([{ rate: 1.2345, quantity: 1, taxes: [vat(5)] }], {
      ...opts,
      pricePrecision: 3,
    });
    expect([three.lines[0]!.rate.toString(), three.tax_total.toString(), three.total.toString()]).toEqual([
      "1.235",
      "0.062",
      "1.297",
    ]);
  });

  it("exclusive: tax on item_total, half-up", () => {
    const t = computeInvoiceTotals([{ rate: "29.95", quantity: 3, taxes: [vat(22)] }], opts);
    // 89.85 × 22 % = 19.767 → 19.77
    expect([t.sub_total.toString(), t.tax_total.toString(), t.total.toString()]).toEqual(["89.85", "19.77", "109.62"]);
  });

  it("inclusive: tax backed out of item_total; the total stays the sum of the lines", () => {
    const t = computeInvoiceTotals([{ rate: 10, quantity: 1, taxes: [vat(22)] }], { ...opts, isInclusiveTax: true });
    // 10 / 1.22 = 8.19672… → tax 1.80328… → 1.80
    expect([t.sub_total.toString(), t.tax_total.toString(), t.total.toString()]).toEqual(["8.2", "1.8", "10"]);
  });

  it("compound: applies on amount + preceding taxes, exclusive and inclusive", () => {
    const taxes = [vat(5, false, "gst"), vat(9.5, true, "qst")];
    const ex = computeInvoiceTotals([{ rate: 100, quantity: 1, taxes }], opts);
    // GST 5.00; QST (100 + 5) × 9.5 % = 9.975 → 9.98
    expect(ex.taxes.map((x) => x.amount.toString())).toEqual(["5", "9.98"]);
    expect(ex.total.toString()).toBe("114.98");
    const inc = computeInvoiceTotals([{ rate: 114.98, quantity: 1, taxes }], { ...opts, isInclusiveTax: true });
    // net = 114.98 / (1 + 0.05 + 0.095 × 1.05) = 100.00435 → GST 5.00, QST 9.98
    expect(inc.taxes.map((x) => x.amount.toString())).toEqual(["5", "9.98"]);
    expect([inc.sub_total.toString(), inc.total.toString()]).toEqual(["100", "114.98"]);
  });

  it("a tax group is the sum of its members, each rounded on its own", () => {
    const nyc = [vat(4, false, "state"), vat(4.5, false, "city"), vat(0.375, false, "mctd")];
    const t = computeInvoiceTotals([{ rate: 7, quantity: 1, taxes: nyc }], opts);
    // 0.28 + 0.315→0.32 + 0.02625→0.03 = 0.63 (one 8.875 % tax would give 0.62)
    expect(t.tax_total.toString()).toBe("0.63");
  });

  it("line vs invoice rounding gives different totals for the same lines", () => {
    const lines = [0, 1, 2].map(() => ({ rate: "0.10", quantity: 1, taxes: [vat(5)] }));
    const perLine = computeInvoiceTotals(lines, opts);
    const perInvoice = computeInvoiceTotals(lines, { ...opts, taxRounding: "invoice" });
    // 3 × round(0.005) = 0.03 vs round(0.015) = 0.02
    expect([perLine.tax_total.toString(), perInvoice.tax_total.toString()]).toEqual(["0.03", "0.02"]);
    expect([perLine.total.toString(), perInvoice.total.toString()]).toEqual(["0.33", "0.32"]);
  });

  it("negative (discount) lines reduce the tax; the adjustment applies after tax", () => {
    const t = computeInvoiceTotals(
      [
        { rate: 50, quantity: 1, taxes: [vat(22)] },
        { rate: -5.05, quantity: 1, taxes: [vat(22)] },
      ],
      { ...opts, adjustment: 0.01 },
    );
    // 11.00 − 1.111 → −1.11 ⇒ tax 9.89; 44.95 + 9.89 + 0.01
    expect([t.sub_total.toString(), t.tax_total.toString(), t.total.toString()]).toEqual(["44.95", "9.89", "54.85"]);
  });

  it("the simulator applies the org's tax-rounding switch to real invoices", async () => {
    const org = seedOrganization({ taxes: [{ tax_name: "VAT 5", tax_percentage: 5 }] });
    const c = customer(org);
    const body = {
      customer_id: c.contact_id,
      line_items: [0, 1, 2].map(() => line({ rate: 0.1, tax_id: org.taxId("VAT 5") })),
    };
    const perLine = (await createInvoice(org, body)).json.invoice as ZohoInvoice;
    org.settings.taxRounding = "invoice";
    const perInvoice = (await createInvoice(org, body)).json.invoice as ZohoInvoice;
    expect([perLine.total, perLine.tax_total, perInvoice.total, perInvoice.tax_total]).toEqual([
      "0.33",
      0.03,
      "0.32",
      0.02,
    ]);
    expect(perLine.taxes).toEqual([{ tax_name: "VAT 5", tax_amount: 0.03 }]);
  });

  it("a group on an invoice reports each member tax", async () => {
    const org = seedOrganization({ preset: "ca" });
    const c = customer(org);
    const inv = (
      await createInvoice(org, {
        customer_id: c.contact_id,
        line_items: [line({ rate: 19.99, tax_id: org.taxId("GST + QST") })],
      })
    ).json.invoice as ZohoInvoice;
    // GST 0.9995 → 1.00; QST 1.99400… → 1.99
    expect(inv.taxes).toEqual([
      { tax_name: "GST", tax_amount: 1 },
      { tax_name: "QST", tax_amount: 1.99 },
    ]);
    expect(inv.total).toBe("22.98");
    expect(inv.line_items[0]).toMatchObject({ tax_type: "tax_group", tax_percentage: 14.975, item_total: 19.99 });
  });
});

describe("faults and counters", () => {
  async function setup() {
    const org = seedOrganization();
    const c = customer(org);
    const body = { customer_id: c.contact_id, reference_number: "#1", line_items: [line()] };
    return { org, c, body, zoho: client(org) };
  }

  it("429 code 44 with and without Retry-After", async () => {
    const { org, zoho } = await setup();
    zohoBooks.inject({ kind: "rate-limit", retryAfterSeconds: 30 });
    const withHeader = await call("GET", "/invoices", { org });
    expect([withHeader.status, withHeader.json.code, withHeader.headers.get("retry-after")]).toEqual([429, 44, "30"]);
    zohoBooks.inject({ kind: "rate-limit" });
    const err = await zoho.get("/invoices").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoRateLimitError);
    expect((err as ZohoRateLimitError).info.code).toBe(44);
    expect((await call("GET", "/invoices", { org })).status).toBe(200);
  });

  it("429 code 1070, 429 code 45 and 500 code 1000", async () => {
    const { zoho } = await setup();
    zohoBooks.inject({ kind: "concurrency-limit" });
    zohoBooks.inject({ kind: "daily-limit" });
    zohoBooks.inject({ kind: "internal-error" });
    const e1 = await zoho.get("/invoices").catch((e: unknown) => e);
    expect([e1 instanceof ZohoRateLimitError, (e1 as ZohoRateLimitError).info.code]).toEqual([true, 1070]);
    expect(await zoho.get("/invoices").catch((e: unknown) => e)).toBeInstanceOf(ZohoDailyQuotaError);
    const e3 = await zoho.get("/invoices").catch((e: unknown) => e);
    expect([e3 instanceof ZohoTransientError, (e3 as ZohoTransientError).info.code]).toEqual([true, 1000]);
  });

  it("faults match method, path template and count", async () => {
    const { org, body, zoho } = await setup();
    zohoBooks.inject({ kind: "internal-error", method: "POST", path: "/invoices/{id}/status/sent", times: 2 });
    const inv = (await zoho.post<ZohoInvoiceResponse>("/invoices", body)).invoice;
    await expect(zoho.get(`/invoices/${inv.invoice_id}`)).resolves.toBeTruthy();
    await expect(zoho.post(`/invoices/${inv.invoice_id}/status/sent`, undefined)).rejects.toBeInstanceOf(
      ZohoTransientError,
    );
    await expect(zoho.post(`/invoices/${inv.invoice_id}/status/sent`, undefined)).rejects.toBeInstanceOf(
      ZohoTransientError,
    );
    await expect(zoho.post(`/invoices/${inv.invoice_id}/status/sent`, undefined)).resolves.toMatchObject({ code: 0 });
    expect(zohoBooks.pendingFaults).toBe(0);
    expect(zohoBooks.counts()).toEqual({
      "POST /invoices": 1,
      "GET /invoices/{id}": 1,
      "POST /invoices/{id}/status/sent": 3,
    });
    expect(zohoBooks.count("POST /invoices")).toBe(1);
    expect(zohoBooks.count()).toBe(5);
    expect(zohoBooks.requests[0]).toMatchObject({
      organizationId: org.organization.organization_id,
      host: "www.zohoapis.com",
    });
  });

  it("a timeout never answers until the caller gives up; a delayed one answers late", async () => {
    const { zoho, org } = await setup();
    const quick = client(org, { timeoutMs: 150 });
    zohoBooks.inject({ kind: "timeout" });
    const err = await quick.get("/invoices").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoTransientError);
    expect((err as ZohoTransientError).info.status).toBe(0);
    zohoBooks.inject({ kind: "timeout", delayMs: 50 });
    await expect(zoho.get("/invoices")).resolves.toMatchObject({ code: 0 });
  });

  it("crash after create: the invoice exists although the caller saw 500 or a timeout", async () => {
    const { org, body, zoho } = await setup();
    zohoBooks.inject({ kind: "crash-after-create" });
    await expect(zoho.post("/invoices", body)).rejects.toBeInstanceOf(ZohoTransientError);
    expect(org.invoices.size).toBe(1);

    zohoBooks.inject({ kind: "crash-after-create", then: "timeout" });
    await expect(
      client(org, { timeoutMs: 150 }).post("/invoices", { ...body, reference_number: "#2" }),
    ).rejects.toBeInstanceOf(ZohoTransientError);
    const found = await zoho.get<{ invoices: Array<{ invoice_number: string }> }>("/invoices", {
      reference_number: "#2",
    });
    expect(found.invoices.map((i) => i.invoice_number)).toEqual(["INV-000002"]);
  });

  it("crash after create does not fire on a refused create", async () => {
    const { org, body, zoho } = await setup();
    zohoBooks.inject({ kind: "crash-after-create" });
    await expect(zoho.post("/invoices", { ...body, line_items: [] })).rejects.toBeInstanceOf(ZohoValidationError);
    expect(org.invoices.size).toBe(0);
    expect(zohoBooks.pendingFaults).toBe(0);
  });

  it("unauthorized fault answers 57 even for a good token", async () => {
    const { org } = await setup();
    zohoBooks.inject({ kind: "unauthorized" });
    expect((await call("GET", "/invoices", { org })).json).toMatchObject({ code: 57 });
  });
});
