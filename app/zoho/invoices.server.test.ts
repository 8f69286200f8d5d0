import { http, HttpResponse, type JsonBodyType } from "msw";
import { describe, expect, it } from "vitest";
import { server } from "~test/harness";
import { issueTokensFor } from "~test/harness/zoho-accounts";
import { seedOrganization, zohoBooks } from "~test/harness/zoho-books";
import { ZohoClient } from "./client.server";
import { ZohoNotFoundError, ZohoValidationError } from "./errors";
import {
  ZohoInvoiceDeleteRefusedError,
  ZohoInvoiceNotDraftError,
  createDraftInvoice,
  deleteInvoice,
  findInvoicesByReference,
  getInvoice,
  updateDraftInvoice,
} from "./invoices.server";
import type { ZohoInvoicePayload } from "./types";

const BASE = "https://www.zohoapis.com/books/v3";

function setup() {
  const org = seedOrganization({ preset: "eu" });
  const orgId = org.organization.organization_id;
  const { accessToken } = issueTokensFor({ dataCenter: "com" });
  const client = new ZohoClient({
    apiBaseUrl: BASE,
    organizationId: orgId,
    tokens: { getAccessToken: async () => accessToken, refreshAccessToken: async () => accessToken },
    limiter: null,
    maxRetries: 0,
  });
  const customer = zohoBooks.seedContact(orgId, { contact_name: "Ada Lovelace", email: "ada@example.com" });
  const payload = (over: Partial<ZohoInvoicePayload> = {}): ZohoInvoicePayload => ({
    customer_id: customer.contact_id,
    date: "2026-03-14",
    reference_number: "#1001",
    is_inclusive_tax: false,
    line_items: [
      {
        name: "Espresso cup",
        description: "Espresso cup — White / SKU CUP-1",
        rate: 12.5,
        quantity: 2,
        tax_id: org.taxId("IVA 22"),
        item_order: 1,
      },
      { name: "Shipping", rate: 5.9, quantity: 1, tax_id: org.taxId("IVA 22"), item_order: 2 },
    ],
    adjustment: 0,
    adjustment_description: "Rounding",
    notes: "PO 42",
    ...over,
  });
  return { org, orgId, client, payload };
}

describe("createDraftInvoice / getInvoice", () => {
  it("creates a draft and returns Zoho's numbers and totals", async () => {
    const { client, payload } = setup();
    const invoice = await createDraftInvoice(client, payload());
    // (25.00 + 5.90) × 1.22 = 37.698 → tax 5.50 + 1.30 = 6.80 per line
    expect(invoice).toMatchObject({
      status: "draft",
      invoice_number: "INV-000001",
      reference_number: "#1001",
      sub_total: 30.9,
      tax_total: 6.8,
      total: "37.70",
    });
    expect(zohoBooks.counts()).toEqual({ "POST /invoices": 1 });
    expect(await getInvoice(client, invoice.invoice_id)).toEqual(invoice);
  });

  it("surfaces Zoho's validation message", async () => {
    const { client, payload } = setup();
    const err = await createDraftInvoice(
      client,
      payload({ line_items: [{ name: "x".repeat(101), rate: 1, quantity: 1 }] }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoValidationError);
    expect((err as Error).message).toBe("Invalid value passed for name: at most 100 characters");
  });
});

describe("updateDraftInvoice", () => {
  it("checks the status, then replaces the draft's lines", async () => {
    const { client, payload } = setup();
    const created = await createDraftInvoice(client, payload());
    zohoBooks.clearRequests();
    const updated = await updateDraftInvoice(
      client,
      created.invoice_id,
      payload({ line_items: [{ name: "Mug", rate: 10, quantity: 1 }], adjustment: 0.01 }),
    );
    expect(updated).toMatchObject({ invoice_id: created.invoice_id, total: "10.01", status: "draft" });
    expect(updated.line_items.map((l) => l.name)).toEqual(["Mug"]);
    expect(zohoBooks.counts()).toEqual({ "GET /invoices/{id}": 1, "PUT /invoices/{id}": 1 });
  });

  it("skips the GET when the caller passes the invoice it just received", async () => {
    const { client, payload } = setup();
    const created = await createDraftInvoice(client, payload());
    zohoBooks.clearRequests();
    await updateDraftInvoice(client, created.invoice_id, payload({ adjustment: -0.01 }), { current: created });
    expect(zohoBooks.counts()).toEqual({ "PUT /invoices/{id}": 1 });
  });

  it("refuses a sent invoice with a typed, readable error and sends no PUT", async () => {
    const { client, payload } = setup();
    const created = await createDraftInvoice(client, payload());
    await client.post(`/invoices/${created.invoice_id}/status/sent`, undefined);
    const err = await updateDraftInvoice(client, created.invoice_id, payload()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoInvoiceNotDraftError);
    expect(err).toBeInstanceOf(ZohoValidationError);
    expect((err as ZohoInvoiceNotDraftError).status).toBe("sent");
    expect((err as Error).message).toBe(
      "Invoice INV-000001 is sent in Zoho Books; only draft invoices are updated from Shopify. Change it in Zoho Books instead.",
    );
    expect(zohoBooks.count("PUT /invoices/{id}")).toBe(0);
  });
});

describe("deleteInvoice", () => {
  it("deletes a draft; a missing invoice is ZohoNotFoundError", async () => {
    const { org, client, payload } = setup();
    const created = await createDraftInvoice(client, payload());
    await deleteInvoice(client, created.invoice_id);
    expect(org.invoices.size).toBe(0);
    await expect(deleteInvoice(client, created.invoice_id)).rejects.toBeInstanceOf(ZohoNotFoundError);
  });

  it("passes on Zoho's reason when it refuses (payments recorded)", async () => {
    const { orgId, client, payload } = setup();
    const created = await createDraftInvoice(client, payload());
    zohoBooks.recordPayment(orgId, created.invoice_id, "10.00");
    const err = await deleteInvoice(client, created.invoice_id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoInvoiceDeleteRefusedError);
    expect(err).toBeInstanceOf(ZohoValidationError);
    expect((err as ZohoInvoiceDeleteRefusedError).info.code).toBe(4001);
    expect((err as Error).message).toBe(
      "Zoho Books did not delete the invoice: Payments have been recorded for this invoice. Hence it cannot be deleted.",
    );
  });
});

describe("findInvoicesByReference", () => {
  it("returns [] for none, one for one, and every duplicate oldest first", async () => {
    const { orgId, client, payload } = setup();
    expect(await findInvoicesByReference(client, "#1001")).toEqual([]);
    const first = zohoBooks.seedInvoice(orgId, { ...payload(), reference_number: "#1001" });
    zohoBooks.seedInvoice(orgId, { ...payload(), reference_number: "#10010" });
    expect((await findInvoicesByReference(client, "#1001")).map((i) => i.invoice_id)).toEqual([first.invoice_id]);
    const second = zohoBooks.seedInvoice(orgId, { ...payload(), reference_number: "#1001" });
    const both = await findInvoicesByReference(client, "#1001");
    expect(both.map((i) => [i.invoice_id, i.invoice_number, i.status])).toEqual([
      [first.invoice_id, "INV-000001", "draft"],
      [second.invoice_id, "INV-000003", "draft"],
    ]);
  });

  it("keeps only exact matches and follows pages when Zoho's filter is loose", async () => {
    const { orgId, client } = setup();
    const pages: Record<string, JsonBodyType> = {
      "1": {
        code: 0,
        message: "success",
        invoices: [
          {
            invoice_id: "982000000000000002",
            invoice_number: "INV-2",
            status: "draft",
            reference_number: "#10011",
            created_time: "2026-03-14T10:00:00+0100",
          },
          {
            invoice_id: "982000000000000003",
            invoice_number: "INV-3",
            status: "sent",
            reference_number: "#1001",
            created_time: "2026-03-14T11:00:00+0100",
          },
        ],
        page_context: { page: 1, per_page: 200, has_more_page: true },
      },
      "2": {
        code: 0,
        message: "success",
        invoices: [
          {
            invoice_id: "982000000000000001",
            invoice_number: "INV-1",
            status: "draft",
            reference_number: " #1001 ",
            created_time: "2026-03-14T09:00:00+0100",
          },
        ],
        page_context: { page: 2, per_page: 200, has_more_page: false },
      },
    };
    const seen: string[] = [];
    server.use(
      http.get(`${BASE}/invoices`, ({ request }) => {
        const url = new URL(request.url);
        expect(url.searchParams.get("organization_id")).toBe(orgId);
        seen.push(`${url.searchParams.get("reference_number")}@${url.searchParams.get("page")}`);
        return HttpResponse.json(pages[url.searchParams.get("page") ?? "1"]);
      }),
    );
    const found = await findInvoicesByReference(client, "#1001");
    expect(found.map((i) => i.invoice_number)).toEqual(["INV-1", "INV-3"]);
    expect(seen).toEqual(["#1001@1", "#1001@2"]);
  });
});
