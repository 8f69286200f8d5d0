// Invoice custom fields, the "do not allow duplicate values" check, and the upsert by a unique
// custom field (PUT /invoices + X-Unique-Identifier-Key/Value [+ X-Upsert]) — what an exactly-once
// create builds on. Reference: shared/reference/zoho/README.md §5, docs/zoho-simulator.md.
import { describe, expect, it } from "vitest";
import type { ZohoInvoice } from "~/zoho/types";
import { seedOrganization, zohoBooks, type RenderedCustomField, type SimOrganization } from "./index";
import { books, invoiceBody } from "./test-http";

type Invoice = ZohoInvoice & { custom_fields: RenderedCustomField[] };

function orgWithKey(opts: { unique?: boolean } = {}) {
  const org = seedOrganization();
  const field = zohoBooks.addInvoiceCustomField(org.organization.organization_id, {
    label: "Shopify order",
    api_name: "cf_shopify_order_id",
    unique: opts.unique ?? true,
  });
  return { org, field };
}

const upsertHeaders = (value: string, upsert = true) => ({
  "X-Unique-Identifier-Key": "cf_shopify_order_id",
  "X-Unique-Identifier-Value": value,
  ...(upsert ? { "X-Upsert": "true" } : {}),
});

const upsert = (org: SimOrganization, value: string, body: Record<string, unknown>, upsertFlag = true) =>
  books("PUT", "/invoices", { org, body, headers: upsertHeaders(value, upsertFlag) });

describe("invoice custom fields", () => {
  it("addInvoiceCustomField returns the field; GET /settings/customfields?entity=invoice lists it", async () => {
    const { org, field } = orgWithKey();
    expect(field).toEqual({
      customfield_id: expect.stringMatching(/^\d{18}$/),
      api_name: "cf_shopify_order_id",
      label: "Shopify order",
      is_unique: true,
    });
    const other = zohoBooks.addInvoiceCustomField(org.organization.organization_id, {
      label: "Channel",
      api_name: "cf_channel",
      unique: false,
    });

    const res = await books("GET", "/settings/customfields", { org, query: { entity: "invoice" } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ code: 0 });
    expect(res.json.customfields).toEqual([
      {
        customfield_id: field.customfield_id,
        api_name: "cf_shopify_order_id",
        label: "Shopify order",
        data_type: "string",
        is_unique: true,
        entity: "invoice",
      },
      {
        customfield_id: other.customfield_id,
        api_name: "cf_channel",
        label: "Channel",
        data_type: "string",
        is_unique: false,
        entity: "invoice",
      },
    ]);
    // Only invoice fields are modelled; other orgs do not see them.
    expect(
      (await books("GET", "/settings/customfields", { org, query: { entity: "contact" } })).json.customfields,
    ).toEqual([]);
    expect(
      (await books("GET", "/settings/customfields", { org: seedOrganization(), query: { entity: "invoice" } })).json
        .customfields,
    ).toEqual([]);
    expect((await books("POST", "/settings/customfields", { org, body: {} })).json).toMatchObject({ code: 37 });
  });

  it("refuses a second field with the same api_name and an api_name without cf_", () => {
    const { org } = orgWithKey();
    const id = org.organization.organization_id;
    expect(() =>
      zohoBooks.addInvoiceCustomField(id, { label: "Again", api_name: "cf_shopify_order_id", unique: true }),
    ).toThrow(/already has/);
    expect(() =>
      zohoBooks.addInvoiceCustomField(id, { label: "Bad", api_name: "shopify_order", unique: true }),
    ).toThrow(/cf_/);
  });

  it("POST and PUT accept custom_fields by customfield_id or api_name and render them back", async () => {
    const { org, field } = orgWithKey();
    const channel = zohoBooks.addInvoiceCustomField(org.organization.organization_id, {
      label: "Channel",
      api_name: "cf_channel",
      unique: false,
    });
    const created = await books("POST", "/invoices", {
      org,
      body: invoiceBody(org, {
        custom_fields: [
          { customfield_id: field.customfield_id, value: "shop-1:1001" },
          { api_name: "cf_channel", value: "web" },
        ],
      }),
    });
    expect(created.status).toBe(201);
    const invoice = created.json.invoice as Invoice;
    expect(invoice.custom_fields).toEqual([
      {
        customfield_id: field.customfield_id,
        api_name: "cf_shopify_order_id",
        label: "Shopify order",
        data_type: "string",
        index: 1,
        value: "shop-1:1001",
      },
      {
        customfield_id: channel.customfield_id,
        api_name: "cf_channel",
        label: "Channel",
        data_type: "string",
        index: 2,
        value: "web",
      },
    ]);

    // A PUT that does not name a field keeps its value; an empty value clears it.
    const put = await books("PUT", `/invoices/${invoice.invoice_id}`, {
      org,
      body: invoiceBody(org, { custom_fields: [{ api_name: "cf_channel", value: "" }] }),
    });
    expect(put.status).toBe(200);
    expect((put.json.invoice as Invoice).custom_fields.map((f) => [f.api_name, f.value])).toEqual([
      ["cf_shopify_order_id", "shop-1:1001"],
    ]);
    expect(zohoBooks.invoice(org.organization.organization_id, invoice.invoice_id).custom_fields).toHaveLength(1);
    // An invoice without custom fields renders an empty list.
    const plain = await books("POST", "/invoices", { org, body: invoiceBody(org, { reference_number: "#2" }) });
    expect((plain.json.invoice as Invoice).custom_fields).toEqual([]);
  });

  it("an unknown field or a value that is not text is refused with code 2", async () => {
    const { org } = orgWithKey();
    const unknown = await books("POST", "/invoices", {
      org,
      body: invoiceBody(org, { custom_fields: [{ api_name: "cf_nope", value: "x" }] }),
    });
    expect([unknown.status, unknown.json.code]).toEqual([400, 2]);
    expect(unknown.json.message).toMatch(/custom_fields/);
    const object = await books("POST", "/invoices", {
      org,
      body: invoiceBody(org, { custom_fields: [{ api_name: "cf_shopify_order_id", value: { a: 1 } }] }),
    });
    expect([object.status, object.json.code]).toEqual([400, 2]);
    expect(org.invoices.size).toBe(0);
  });

  it("a unique field refuses a second invoice with the same value: 400 code 1001, nothing created", async () => {
    const { org } = orgWithKey();
    const body = invoiceBody(org, { custom_fields: [{ api_name: "cf_shopify_order_id", value: "shop-1:1001" }] });
    expect((await books("POST", "/invoices", { org, body })).status).toBe(201);
    const again = await books("POST", "/invoices", { org, body });
    expect([again.status, again.json.code]).toEqual([400, 1001]);
    expect(again.json.message).toBe(
      'Shopify order "shop-1:1001" already exists. Enter a unique value for this custom field.',
    );
    expect(org.invoices.size).toBe(1);

    // Moving another invoice onto the taken value is refused too; keeping one's own value is fine.
    const other = (
      await books("POST", "/invoices", {
        org,
        body: invoiceBody(org, { custom_fields: [{ api_name: "cf_shopify_order_id", value: "shop-1:1002" }] }),
      })
    ).json.invoice as Invoice;
    const clash = await books("PUT", `/invoices/${other.invoice_id}`, {
      org,
      body: invoiceBody(org, { custom_fields: [{ api_name: "cf_shopify_order_id", value: "shop-1:1001" }] }),
    });
    expect([clash.status, clash.json.code]).toEqual([400, 1001]);
    const same = await books("PUT", `/invoices/${other.invoice_id}`, {
      org,
      body: invoiceBody(org, {
        notes: "again",
        custom_fields: [{ api_name: "cf_shopify_order_id", value: "shop-1:1002" }],
      }),
    });
    expect(same.status).toBe(200);
  });

  it("a field that allows duplicates accepts the same value twice", async () => {
    const { org } = orgWithKey({ unique: false });
    const body = invoiceBody(org, { custom_fields: [{ api_name: "cf_shopify_order_id", value: "shop-1:1001" }] });
    expect((await books("POST", "/invoices", { org, body })).status).toBe(201);
    expect((await books("POST", "/invoices", { org, body })).status).toBe(201);
    expect(org.invoices.size).toBe(2);
  });
});

describe("PUT /invoices: the upsert by a unique custom field", () => {
  it("X-Upsert and no match: creates the invoice with the key set although the body lacks it (201)", async () => {
    const { org, field } = orgWithKey();
    const res = await upsert(org, "shop-1:1001", invoiceBody(org));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ code: 0, message: "The invoice has been created." });
    const invoice = res.json.invoice as Invoice;
    expect(invoice).toMatchObject({ status: "draft", reference_number: "#1001", total: "10.00" });
    expect(invoice.custom_fields).toEqual([
      expect.objectContaining({
        customfield_id: field.customfield_id,
        api_name: "cf_shopify_order_id",
        value: "shop-1:1001",
      }),
    ]);
    expect(zohoBooks.count("PUT /invoices")).toBe(1);
  });

  it("the header's value wins over a different value for the key in the body", async () => {
    const { org } = orgWithKey();
    const res = await upsert(
      org,
      "shop-1:1001",
      invoiceBody(org, { custom_fields: [{ api_name: "cf_shopify_order_id", value: "something else" }] }),
    );
    expect((res.json.invoice as Invoice).custom_fields[0]!.value).toBe("shop-1:1001");
  });

  it("a match is updated with the body (200), whether or not X-Upsert is sent: still one invoice", async () => {
    const { org } = orgWithKey();
    const first = (await upsert(org, "shop-1:1001", invoiceBody(org))).json.invoice as Invoice;
    const second = await upsert(
      org,
      "shop-1:1001",
      invoiceBody(org, { line_items: [{ name: "Mug", rate: 12, quantity: 2 }] }),
    );
    expect(second.status).toBe(200);
    expect(second.json.message).toBe("Invoice information has been updated.");
    expect(second.json.invoice).toMatchObject({
      invoice_id: first.invoice_id,
      invoice_number: first.invoice_number,
      total: "24.00",
    });
    const third = await upsert(org, "shop-1:1001", invoiceBody(org, { notes: "no X-Upsert" }), false);
    expect(third.status).toBe(200);
    expect(third.json.invoice).toMatchObject({ invoice_id: first.invoice_id, notes: "no X-Upsert" });
    expect(org.invoices.size).toBe(1);
    // An invoice created by POST with the key is found the same way.
    const posted = (
      await books("POST", "/invoices", {
        org,
        body: invoiceBody(org, { custom_fields: [{ api_name: "cf_shopify_order_id", value: "shop-1:1002" }] }),
      })
    ).json.invoice as Invoice;
    expect((await upsert(org, "shop-1:1002", invoiceBody(org))).json.invoice).toMatchObject({
      invoice_id: posted.invoice_id,
    });
  });

  it("the match is updated under the draft-only rule: a sent invoice is refused (9001)", async () => {
    const { org } = orgWithKey();
    const invoice = (await upsert(org, "shop-1:1001", invoiceBody(org))).json.invoice as Invoice;
    await books("POST", `/invoices/${invoice.invoice_id}/status/sent`, { org });
    const res = await upsert(org, "shop-1:1001", invoiceBody(org));
    expect([res.status, res.json.code]).toEqual([400, 9001]);
  });

  it("no match without X-Upsert: 404 code 1002, nothing created", async () => {
    const { org } = orgWithKey();
    const res = await upsert(org, "shop-1:1001", invoiceBody(org), false);
    expect([res.status, res.json.code, res.json.message]).toEqual([404, 1002, "Invoice does not exist."]);
    expect(org.invoices.size).toBe(0);
  });

  it("a key that is not a unique invoice field of the org, or missing headers: 400 with a clear message", async () => {
    const { org } = orgWithKey({ unique: false });
    const notUnique = await upsert(org, "shop-1:1001", invoiceBody(org));
    expect([notUnique.status, notUnique.json.code]).toEqual([400, 2]);
    expect(notUnique.json.message).toBe(
      "Invalid value passed for X-Unique-Identifier-Key: cf_shopify_order_id is not an invoice custom field that rejects duplicate values.",
    );
    const unknown = await books("PUT", "/invoices", {
      org,
      body: invoiceBody(org),
      headers: { "X-Unique-Identifier-Key": "cf_missing", "X-Unique-Identifier-Value": "1", "X-Upsert": "true" },
    });
    expect([unknown.status, unknown.json.code]).toEqual([400, 2]);
    expect(unknown.json.message).toMatch(/cf_missing is not an invoice custom field/);
    const noKey = await books("PUT", "/invoices", { org, body: invoiceBody(org), headers: { "X-Upsert": "true" } });
    expect([noKey.status, noKey.json.message]).toEqual([400, "Invalid value passed for X-Unique-Identifier-Key"]);
    const noValue = await books("PUT", "/invoices", {
      org,
      body: invoiceBody(org),
      headers: { "X-Unique-Identifier-Key": "cf_shopify_order_id" },
    });
    expect([noValue.status, noValue.json.message]).toEqual([400, "Invalid value passed for X-Unique-Identifier-Value"]);
    expect(org.invoices.size).toBe(0);
  });

  it("a body Zoho refuses creates nothing", async () => {
    const { org } = orgWithKey();
    const res = await upsert(org, "shop-1:1001", invoiceBody(org, { line_items: [] }));
    expect([res.status, res.json.code]).toEqual([400, 2]);
    expect(org.invoices.size).toBe(0);
  });

  it("concurrent upserts of one value make one invoice", async () => {
    const { org } = orgWithKey();
    const answers = await Promise.all(Array.from({ length: 5 }, () => upsert(org, "shop-1:1001", invoiceBody(org))));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => (a.json.invoice as Invoice).invoice_id)).size).toBe(1);
    expect(org.invoices.size).toBe(1);
  });

  it("an org without the upsert answers PUT /invoices with 405 code 37", async () => {
    const { org } = orgWithKey();
    zohoBooks.setUpsertSupported(org.organization.organization_id, false);
    const res = await upsert(org, "shop-1:1001", invoiceBody(org));
    expect([res.status, res.json.code, res.json.message]).toEqual([
      405,
      37,
      "The HTTP method PUT is not allowed for the requested resource",
    ]);
    expect(org.invoices.size).toBe(0);
    zohoBooks.setUpsertSupported(org.organization.organization_id, true);
    expect((await upsert(org, "shop-1:1001", invoiceBody(org))).status).toBe(201);
  });
});

describe("GET /invoices list items", () => {
  it("carry what a lookup by reference_number compares: customer, date, total, reference, created time", async () => {
    const { org } = orgWithKey();
    const created = (
      await books("POST", "/invoices", {
        org,
        body: invoiceBody(org, { date: "2026-11-30", reference_number: "#1001" }),
      })
    ).json.invoice as Invoice;
    const res = await books("GET", "/invoices", { org, query: { reference_number: "#1001" } });
    const [item] = res.json.invoices as Array<Record<string, unknown>>;
    expect(item).toMatchObject({
      invoice_id: created.invoice_id,
      customer_id: created.customer_id,
      customer_name: "Ada Lovelace",
      date: "2026-11-30",
      total: 10,
      reference_number: "#1001",
      created_time: created.created_time,
    });
  });
});
