// Faults on specific calls (zohoBooks.inject): the n-th or every n-th request of one method + path,
// each refusal Zoho sends (429 code 44 without Retry-After, 45, 1070, 401 code 57, 400 validation),
// and "created, then the connection dropped" for POST /invoices and the PUT /invoices upsert.
import { describe, expect, it } from "vitest";
import { seedOrganization, zohoBooks, type SimOrganization, type ZohoFault } from "./index";
import { books, invoiceBody } from "./test-http";

async function draft(org: SimOrganization): Promise<string> {
  const res = await books("POST", "/invoices", { org, body: invoiceBody(org) });
  return (res.json.invoice as { invoice_id: string }).invoice_id;
}

const putInvoice = (org: SimOrganization, id: string, notes: string) =>
  books("PUT", `/invoices/${id}`, { org, body: invoiceBody(org, { notes }) });

describe("faults on specific calls", () => {
  it("the first PUT /invoices/{id} answers 429 code 44 without Retry-After; the invoice is unchanged; the next PUT goes through", async () => {
    const org = seedOrganization();
    const id = await draft(org);
    zohoBooks.inject({ kind: "rate-limit", method: "PUT", path: "/invoices/{id}" });
    // Other calls are not the fault's: they neither meet it nor use it up.
    expect((await books("GET", `/invoices/${id}`, { org })).status).toBe(200);
    expect((await books("POST", "/invoices", { org, body: invoiceBody(org, { reference_number: "#2" }) })).status).toBe(
      201,
    );

    const refused = await putInvoice(org, id, "first");
    expect([refused.status, refused.json.code, refused.headers.get("retry-after")]).toEqual([429, 44, null]);
    expect(zohoBooks.invoice(org.organization.organization_id, id).notes).toBe("");
    const next = await putInvoice(org, id, "second");
    expect(next.status).toBe(200);
    expect(zohoBooks.invoice(org.organization.organization_id, id).notes).toBe("second");
    expect(zohoBooks.pendingFaults).toBe(0);
  });

  it("skip: the 3rd PUT /invoices/{id} is the one refused", async () => {
    const org = seedOrganization();
    const id = await draft(org);
    zohoBooks.inject({ kind: "rate-limit", method: "PUT", path: "/invoices/{id}", skip: 2 });
    const statuses = [];
    for (let i = 1; i <= 4; i++) statuses.push((await putInvoice(org, id, `put ${i}`)).status);
    expect(statuses).toEqual([200, 200, 429, 200]);
    expect(zohoBooks.pendingFaults).toBe(0);
  });

  it("every: with times Infinity every 3rd PUT is refused; such a rule never counts as pending", async () => {
    const org = seedOrganization();
    const id = await draft(org);
    zohoBooks.inject({ kind: "rate-limit", method: "PUT", path: "/invoices/{id}", every: 3, times: Infinity });
    const statuses = [];
    for (let i = 1; i <= 7; i++) statuses.push((await putInvoice(org, id, `put ${i}`)).status);
    expect(statuses).toEqual([200, 200, 429, 200, 200, 429, 200]);
    expect(zohoBooks.pendingFaults).toBe(0);
  });

  it("a rule that lets a request through leaves it to the next rule", async () => {
    const org = seedOrganization();
    const id = await draft(org);
    zohoBooks.inject({ kind: "daily-limit", method: "PUT", path: "/invoices/{id}", skip: 1 });
    zohoBooks.inject({ kind: "concurrency-limit", method: "PUT", path: "/invoices/{id}" });
    const codes = [];
    for (let i = 1; i <= 3; i++) codes.push((await putInvoice(org, id, `put ${i}`)).json.code);
    expect(codes).toEqual([1070, 45, 0]);
  });

  it.each<[string, ZohoFault, number, number, string | RegExp]>([
    ["daily quota", { kind: "daily-limit" }, 429, 45, /maximum call rate limit of 1000/],
    ["concurrency", { kind: "concurrency-limit" }, 429, 1070, /maximum number of in process requests/],
    ["unauthorized", { kind: "unauthorized" }, 401, 57, "You are not authorized to perform this operation"],
    ["validation (default)", { kind: "validation" }, 400, 2, "Invalid value passed"],
    [
      "validation (code and message)",
      { kind: "validation", code: 4, message: "Invalid value passed for adjustment" },
      400,
      4,
      "Invalid value passed for adjustment",
    ],
  ])(
    "the first PUT /invoices/{id} answers the %s refusal and changes nothing",
    async (_name, fault, status, code, message) => {
      const org = seedOrganization();
      const id = await draft(org);
      zohoBooks.inject({ ...fault, method: "PUT", path: "/invoices/{id}" });
      const res = await putInvoice(org, id, "refused");
      expect([res.status, res.json.code]).toEqual([status, code]);
      expect(res.json.message).toMatch(message);
      expect(zohoBooks.invoice(org.organization.organization_id, id).notes).toBe("");
      expect((await putInvoice(org, id, "accepted")).status).toBe(200);
    },
  );

  it("POST /invoices creates the invoice, then the connection drops: the caller gets no answer", async () => {
    const org = seedOrganization();
    zohoBooks.inject({ kind: "crash-after-create", then: "drop" });
    await expect(books("POST", "/invoices", { org, body: invoiceBody(org) })).rejects.toThrow(TypeError);
    expect([...org.invoices.values()].map((i) => i.input.reference_number)).toEqual(["#1001"]);
    expect(zohoBooks.pendingFaults).toBe(0);
  });

  it("the PUT /invoices upsert creates, the connection drops, the retried upsert finds that invoice: one invoice", async () => {
    const org = seedOrganization();
    zohoBooks.addInvoiceCustomField(org.organization.organization_id, {
      label: "Shopify order",
      api_name: "cf_shopify_order_id",
      unique: true,
    });
    const headers = {
      "X-Unique-Identifier-Key": "cf_shopify_order_id",
      "X-Unique-Identifier-Value": "shop-1:1001",
      "X-Upsert": "true",
    };
    zohoBooks.inject({ kind: "crash-after-create", method: "PUT", path: "/invoices", then: "drop" });
    await expect(books("PUT", "/invoices", { org, body: invoiceBody(org), headers })).rejects.toThrow(TypeError);
    expect(org.invoices.size).toBe(1);
    const retry = await books("PUT", "/invoices", { org, body: invoiceBody(org), headers });
    expect(retry.status).toBe(200);
    expect((retry.json.invoice as { invoice_id: string }).invoice_id).toBe([...org.invoices.keys()][0]);
    expect(org.invoices.size).toBe(1);
  });

  it("refuses a skip or every that is not a count", () => {
    expect(() => zohoBooks.inject({ kind: "rate-limit", skip: -1 })).toThrow(/skip/);
    expect(() => zohoBooks.inject({ kind: "rate-limit", every: 0 })).toThrow(/every/);
    expect(() => zohoBooks.inject({ kind: "rate-limit", every: 1.5 })).toThrow(/every/);
    expect(zohoBooks.pendingFaults).toBe(0);
  });
});
