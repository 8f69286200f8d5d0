// The merchant's bookkeeping settings through the real sync (issue 11): the order note on the
// customer-facing invoice, and existing Zoho contacts left untouched.
import { describe, expect, it } from "vitest";
import { setKeepExistingContacts, setPrintOrderNote } from "~/sync/books-settings.server";
import { syncOrder } from "~/sync/sync-order.server";
import { italianOrder } from "~test/factories/italian-order";
import { connectedShop } from "~test/harness/connected-shop";
import { zohoBooks } from "~test/harness/zoho-books";

describe("syncOrder: the order note", () => {
  it("stays off the invoice by default and is printed once the merchant turns that on", async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu" });
    const orgId = org.organization.organization_id;
    const note = "Please leave the parcel at the back door";

    const first = await syncOrder({ shop, orderId: addOrder(italianOrder({ note })) });
    await setPrintOrderNote(shop, true);
    const second = await syncOrder({ shop, orderId: addOrder(italianOrder({ name: "#1002", id: "5002", note })) });

    const notes = [first, second].map((o) =>
      o.kind === "created" ? zohoBooks.invoice(orgId, o.invoiceId).notes : "?",
    );
    // Zoho shows an invoice without notes as "".
    expect(notes).toEqual(["", note]);
  });
});

describe("syncOrder: existing Zoho contacts", () => {
  const oldAddress = { address: "Accounts dept.", city: "Torino" };

  it("updates an existing contact's billing address by default", async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu" });
    const contact = zohoBooks.seedContact(org.organization.organization_id, {
      contact_name: "Giulia Rossi",
      email: "giulia@example.com",
      billing_address: oldAddress,
    });
    await syncOrder({ shop, orderId: addOrder(italianOrder()) });
    expect(org.contacts.get(contact.contact_id)!.billing_address).toMatchObject({
      address: "Via Roma 1",
      city: "Milano",
    });
  });

  it("leaves it untouched with the setting on, and invoices it all the same", async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu" });
    const contact = zohoBooks.seedContact(org.organization.organization_id, {
      contact_name: "Giulia Rossi",
      email: "giulia@example.com",
      billing_address: oldAddress,
    });
    await setKeepExistingContacts(shop, true);
    const outcome = await syncOrder({ shop, orderId: addOrder(italianOrder()) });
    expect(outcome.kind).toBe("created");
    expect(org.contacts.get(contact.contact_id)!.billing_address).toEqual(oldAddress);
    expect(zohoBooks.count("PUT /contacts/{id}")).toBe(0);
    if (outcome.kind === "created")
      expect(zohoBooks.invoice(org.organization.organization_id, outcome.invoiceId).customer_id).toBe(
        contact.contact_id,
      );
  });
});
