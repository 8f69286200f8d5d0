import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { uniqueShop } from "~test/harness/shop";
import { issueTokensFor } from "~test/harness/zoho-accounts";
import { seedOrganization, zohoBooks } from "~test/harness/zoho-books";
import { ZohoClient } from "./client.server";
import { ZohoConflictError, ZohoTransientError } from "./errors";
import {
  FALLBACK_CONTACT_NAME,
  findOrCreateContact,
  forgetContactLinks,
  isRejectedCustomerError,
  type ContactInput,
} from "./contacts.server";

function setup() {
  const org = seedOrganization({ preset: "eu" });
  const orgId = org.organization.organization_id;
  const { accessToken } = issueTokensFor({ dataCenter: "com" });
  const client = new ZohoClient({
    apiBaseUrl: "https://www.zohoapis.com/books/v3",
    organizationId: orgId,
    tokens: { getAccessToken: async () => accessToken, refreshAccessToken: async () => accessToken },
    limiter: null,
    maxRetries: 0,
  });
  const ctx = { shop: uniqueShop("contacts"), organizationId: orgId };
  return { org, orgId, client, ctx };
}

const ada: ContactInput = {
  email: " Ada@Example.com ",
  firstName: "Ada",
  lastName: "Lovelace",
  phone: "+44 20 7946 0000",
  billingAddress: {
    attention: "Ada Lovelace",
    address: "12 St James's Square",
    city: "London",
    zip: "SW1Y 4JH",
    country: "United Kingdom",
  },
};

const links = (ctx: { shop: string; organizationId: string }) =>
  prisma.contactLink.findMany({
    where: ctx,
    select: { key: true, zohoContactId: true, billingHash: true },
    orderBy: { key: "asc" },
  });

describe("findOrCreateContact", () => {
  it("creates a new customer with billing address and a primary contact person", async () => {
    const { org, client, ctx } = setup();
    const result = await findOrCreateContact(client, ctx, ada);
    expect(result).toMatchObject({ created: true, updated: false });
    const contact = org.contacts.get(result.contactId)!;
    expect(contact).toMatchObject({
      contact_name: "Ada Lovelace",
      contact_type: "customer",
      customer_sub_type: "individual",
      billing_address: ada.billingAddress,
    });
    expect(contact.contact_persons).toEqual([
      expect.objectContaining({
        first_name: "Ada",
        last_name: "Lovelace",
        email: "ada@example.com",
        phone: "+44 20 7946 0000",
        is_primary_contact: true,
      }),
    ]);
    // Search by email, then create: a customer with an email is never searched by name.
    expect(zohoBooks.counts()).toEqual({ "GET /contacts": 1, "POST /contacts": 1 });
    expect(zohoBooks.requests.filter((r) => r.method === "GET" && r.template === "/contacts").length).toBe(1);
    expect(await links(ctx)).toEqual([
      { key: "email:ada@example.com", zohoContactId: result.contactId, billingHash: expect.any(String) },
    ]);
  });

  it("creates a business contact named after the company", async () => {
    const { org, client, ctx } = setup();
    const result = await findOrCreateContact(client, ctx, { ...ada, companyName: "Analytical Engines Ltd" });
    expect(org.contacts.get(result.contactId)).toMatchObject({
      contact_name: "Analytical Engines Ltd",
      company_name: "Analytical Engines Ltd",
      customer_sub_type: "business",
    });
  });

  it("finds an existing contact by the primary person's email and makes no change when the address matches", async () => {
    const { orgId, client, ctx } = setup();
    const existing = zohoBooks.seedContact(orgId, {
      contact_name: "A. Lovelace (wholesale)",
      email: "ada@example.com",
      billing_address: ada.billingAddress!,
    });
    const result = await findOrCreateContact(client, ctx, ada);
    expect(result).toEqual({ contactId: existing.contact_id, created: false, updated: false });
    expect(zohoBooks.counts()).toEqual({ "GET /contacts": 1, "GET /contacts/{id}": 1 });
  });

  it("never takes a same-named contact without the customer's email: the new one is named 'Name (email)'", async () => {
    const { org, orgId, client, ctx } = setup();
    const namesake = zohoBooks.seedContact(orgId, {
      contact_name: "Ada Lovelace",
      contact_persons: [{ first_name: "Ada", is_primary_contact: true }],
    });
    const result = await findOrCreateContact(client, ctx, ada);
    expect(result.created).toBe(true);
    expect(result.contactId).not.toBe(namesake.contact_id);
    expect(org.contacts.get(result.contactId)!.contact_name).toBe("Ada Lovelace (ada@example.com)");
    expect(org.contacts.get(namesake.contact_id)!.billing_address).toBeUndefined(); // left alone
  });

  it("finds a customer without an email by exact name, and writes the new billing address", async () => {
    const { org, orgId, client, ctx } = setup();
    const existing = zohoBooks.seedContact(orgId, {
      contact_name: "ada lovelace",
      contact_persons: [{ first_name: "Ada", is_primary_contact: true }, { email: "assistant@example.com" }],
    });
    const result = await findOrCreateContact(client, ctx, { ...ada, email: null });
    expect(result).toEqual({ contactId: existing.contact_id, created: false, updated: true });
    const after = org.contacts.get(existing.contact_id)!;
    expect(after.billing_address).toEqual(ada.billingAddress);
    // The PUT sent the contact persons back: none was removed, the name was kept.
    expect(after.contact_persons.map((p) => p.email ?? p.first_name)).toEqual(["Ada", "assistant@example.com"]);
    expect(after.contact_name).toBe("ada lovelace");
  });

  it("uses the cache on the next order: no Zoho call while nothing changed", async () => {
    const { client, ctx } = setup();
    const first = await findOrCreateContact(client, ctx, ada);
    zohoBooks.clearRequests();
    expect(await findOrCreateContact(client, ctx, { ...ada, email: "ADA@example.com" })).toEqual({
      contactId: first.contactId,
      created: false,
      updated: false,
    });
    expect(await findOrCreateContact(client, ctx, { ...ada, billingAddress: null })).toEqual({
      contactId: first.contactId,
      created: false,
      updated: false,
    });
    expect(zohoBooks.count()).toBe(0);
  });

  it("updates the billing address when it changed since the cached link", async () => {
    const { org, client, ctx } = setup();
    const first = await findOrCreateContact(client, ctx, ada);
    zohoBooks.clearRequests();
    const moved = { ...ada, billingAddress: { ...ada.billingAddress!, address: "1 Marylebone Rd", zip: "NW1 5LR" } };
    expect(await findOrCreateContact(client, ctx, moved)).toEqual({
      contactId: first.contactId,
      created: false,
      updated: true,
    });
    expect(org.contacts.get(first.contactId)!.billing_address).toMatchObject({
      address: "1 Marylebone Rd",
      zip: "NW1 5LR",
    });
    expect(org.contacts.get(first.contactId)!.contact_persons).toHaveLength(1);
    expect(zohoBooks.counts()).toEqual({ "GET /contacts/{id}": 1, "PUT /contacts/{id}": 1 });

    zohoBooks.clearRequests();
    expect((await findOrCreateContact(client, ctx, moved)).updated).toBe(false);
    expect(zohoBooks.count()).toBe(0);
  });

  it("does not take a same-name contact that belongs to another email: 3062 → 'Name (email)'", async () => {
    const { org, orgId, client, ctx } = setup();
    const other = zohoBooks.seedContact(orgId, { contact_name: "Ada Lovelace", email: "someone.else@example.com" });
    const result = await findOrCreateContact(client, ctx, ada);
    expect(result.created).toBe(true);
    expect(result.contactId).not.toBe(other.contact_id);
    expect(org.contacts.get(result.contactId)!.contact_name).toBe("Ada Lovelace (ada@example.com)");
    // Email search; create → 3062; email again (a racing worker?); is "Name (email)" ours already?; create.
    expect(zohoBooks.counts()).toEqual({ "GET /contacts": 3, "POST /contacts": 2 });
  });

  it("disambiguates with #2 when 'Name (email)' is taken too, and reuses its own earlier contact", async () => {
    const { org, orgId, client, ctx } = setup();
    zohoBooks.seedContact(orgId, { contact_name: "Ada Lovelace", email: "one@example.com" });
    zohoBooks.seedContact(orgId, { contact_name: "Ada Lovelace (ada@example.com)", email: "two@example.com" });
    // A vendor named like the next candidate: customer searches do not see it, Zoho's uniqueness does.
    zohoBooks.seedContact(orgId, { contact_name: "Ada Lovelace #2", contact_type: "vendor" });
    const result = await findOrCreateContact(client, ctx, ada);
    expect(org.contacts.get(result.contactId)!.contact_name).toBe("Ada Lovelace #3");

    // A second shop on the same org finds the same contact by email: no new duplicate.
    const again = await findOrCreateContact(client, { ...ctx, shop: uniqueShop("contacts") }, ada);
    expect(again).toEqual({ contactId: result.contactId, created: false, updated: false });
  });

  it("gives up with a readable conflict when every candidate name is taken", async () => {
    const { orgId, client, ctx } = setup();
    for (const name of [
      "Ada Lovelace",
      "Ada Lovelace (ada@example.com)",
      "Ada Lovelace #2",
      "Ada Lovelace #3",
      "Ada Lovelace #4",
    ]) {
      zohoBooks.seedContact(orgId, { contact_name: name, email: `${name.length}@other.example` });
    }
    const err = await findOrCreateContact(client, ctx, ada).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoConflictError);
    expect((err as Error).message).toBe(
      'Zoho Books already has contacts named "Ada Lovelace" and its variants; rename one in Zoho Books and retry.',
    );
    expect(await links(ctx)).toEqual([]);
  });

  it("looks a contact up again when the cached one was deleted in Zoho", async () => {
    const { org, client, ctx } = setup();
    const first = await findOrCreateContact(client, ctx, ada);
    org.contacts.delete(first.contactId);
    const moved = { ...ada, billingAddress: { ...ada.billingAddress!, city: "Cambridge" } };
    const second = await findOrCreateContact(client, ctx, moved);
    expect(second.created).toBe(true);
    expect(second.contactId).not.toBe(first.contactId);
    expect(await links(ctx)).toEqual([expect.objectContaining({ zohoContactId: second.contactId })]);
  });

  it("revalidates a cached link on request (after Zoho refused the customer_id)", async () => {
    const { org, client, ctx } = setup();
    const first = await findOrCreateContact(client, ctx, ada);
    org.contacts.delete(first.contactId);
    // Without revalidate the unchanged cached link is trusted (no call)…
    expect((await findOrCreateContact(client, ctx, ada)).contactId).toBe(first.contactId);
    // …the invoice POST then fails on the customer…
    const refused = await client
      .post("/invoices", { customer_id: first.contactId, line_items: [{ name: "x", rate: 1, quantity: 1 }] })
      .catch((e: unknown) => e);
    expect(isRejectedCustomerError(refused)).toBe(true);
    // …and revalidating finds that out and recreates the contact.
    const fixed = await findOrCreateContact(client, ctx, ada, { revalidate: true });
    expect(fixed.created).toBe(true);
    expect(org.contacts.has(fixed.contactId)).toBe(true);
  });

  it("forgetContactLinks drops every link to a contact", async () => {
    const { client, ctx } = setup();
    const first = await findOrCreateContact(client, ctx, ada);
    await findOrCreateContact(client, ctx, { firstName: "Ada", lastName: "Lovelace" });
    expect((await links(ctx)).map((l) => l.zohoContactId)).toEqual([first.contactId, first.contactId]);
    await forgetContactLinks(ctx, first.contactId);
    expect(await links(ctx)).toEqual([]);
  });

  it("guest without email: named after the billing name, found by that name next time", async () => {
    const { org, client, ctx } = setup();
    const guest: ContactInput = {
      email: null,
      billingAddress: { attention: "Charles Babbage", address: "1 Dorset St", city: "London" },
    };
    const result = await findOrCreateContact(client, ctx, guest);
    expect(org.contacts.get(result.contactId)).toMatchObject({
      contact_name: "Charles Babbage",
      contact_persons: [],
      billing_address: guest.billingAddress,
    });
    expect(await links(ctx)).toEqual([expect.objectContaining({ key: "name:charles babbage" })]);
    // A different shop (no cache) finds the contact by exact name.
    const other = await findOrCreateContact(client, { ...ctx, shop: uniqueShop("contacts") }, guest);
    expect(other).toEqual({ contactId: result.contactId, created: false, updated: false });
  });

  it("neither email nor any name: the shared fallback contact, without anyone's address", async () => {
    const { org, client, ctx } = setup();
    const anonymous: ContactInput = { billingAddress: { address: "Somewhere 1", city: "Milano" } };
    const first = await findOrCreateContact(client, ctx, anonymous);
    expect(org.contacts.get(first.contactId)).toMatchObject({
      contact_name: FALLBACK_CONTACT_NAME,
      contact_persons: [],
    });
    expect(org.contacts.get(first.contactId)!.billing_address).toBeUndefined();
    expect(await findOrCreateContact(client, ctx, { email: "not an email" })).toEqual({
      contactId: first.contactId,
      created: false,
      updated: false,
    });
    const custom = await findOrCreateContact(client, ctx, {}, { fallbackContactName: "Walk-in customers" });
    expect(org.contacts.get(custom.contactId)!.contact_name).toBe("Walk-in customers");
  });

  it("cuts over-long fields to Zoho's limits instead of failing the order", async () => {
    const { org, client, ctx } = setup();
    const result = await findOrCreateContact(client, ctx, {
      ...ada,
      firstName: "A".repeat(150),
      billingAddress: { city: "C".repeat(150), address: "Main St" },
    });
    const contact = org.contacts.get(result.contactId)!;
    expect(contact.contact_persons[0]!.first_name).toHaveLength(100);
    expect(contact.billing_address!.city).toHaveLength(100);
  });

  it("lets transient Zoho errors through and caches nothing", async () => {
    const { client, ctx } = setup();
    zohoBooks.inject({ kind: "internal-error", method: "POST", path: "/contacts" });
    await expect(findOrCreateContact(client, ctx, ada)).rejects.toBeInstanceOf(ZohoTransientError);
    expect(await links(ctx)).toEqual([]);
  });
  it("never clears a field the order does not carry: Zoho's street2, county and fax stay, the rest is updated", async () => {
    const { org, orgId, client, ctx } = setup();
    const existing = zohoBooks.seedContact(orgId, {
      contact_name: "Ada Lovelace",
      email: "ada@example.com",
      billing_address: {
        address: "Old Street 1",
        street2: "Flat 3",
        state: "Greater London",
        fax: "+44 20 0000",
        city: "London",
      },
    });
    const result = await findOrCreateContact(client, ctx, ada);
    expect(result).toMatchObject({ contactId: existing.contact_id, updated: true });
    expect(org.contacts.get(existing.contact_id)!.billing_address).toEqual({
      ...ada.billingAddress,
      street2: "Flat 3",
      state: "Greater London",
      fax: "+44 20 0000",
    });
    // An order that carries nothing new changes nothing (no PUT).
    zohoBooks.clearRequests();
    await prisma.contactLink.deleteMany({ where: ctx });
    expect((await findOrCreateContact(client, ctx, { ...ada, billingAddress: { city: "London" } })).updated).toBe(
      false,
    );
    expect(zohoBooks.count("PUT /contacts/{id}")).toBe(0);
  });

  it('updateExisting false ("Leave existing Zoho contacts untouched"): found and cached contacts are not written', async () => {
    const { org, orgId, client, ctx } = setup();
    const existing = zohoBooks.seedContact(orgId, {
      contact_name: "A. Lovelace (wholesale)",
      email: "ada@example.com",
      billing_address: { address: "Accounts dept.", city: "Leeds" },
    });
    const untouched = { updateExisting: false };
    expect(await findOrCreateContact(client, ctx, ada, untouched)).toEqual({
      contactId: existing.contact_id,
      created: false,
      updated: false,
    });
    const moved = { ...ada, billingAddress: { ...ada.billingAddress!, address: "1 Marylebone Rd" } };
    expect((await findOrCreateContact(client, ctx, moved, untouched)).updated).toBe(false);
    expect(zohoBooks.count("PUT /contacts/{id}")).toBe(0);
    expect(org.contacts.get(existing.contact_id)!.billing_address).toEqual({
      address: "Accounts dept.",
      city: "Leeds",
    });
    // The setting turned off again: the next order brings the address up to date.
    expect((await findOrCreateContact(client, ctx, moved)).updated).toBe(true);
    expect(org.contacts.get(existing.contact_id)!.billing_address).toMatchObject({ address: "1 Marylebone Rd" });
  });

  it("a new customer is created with the order's data even when existing contacts are left untouched", async () => {
    const { org, client, ctx } = setup();
    const result = await findOrCreateContact(client, ctx, ada, { updateExisting: false });
    expect(result.created).toBe(true);
    expect(org.contacts.get(result.contactId)!.billing_address).toEqual(ada.billingAddress);
  });
});
