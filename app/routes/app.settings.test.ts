// Settings loader/action with real `authenticate.admin`, the connection service, Postgres and the
// Zoho/Shopify simulators.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { action, loader } from "~/routes/app.settings";
import { uniqueShop } from "~test/harness/shop";
import { adminDocumentRequest, adminFetchRequest, adminFormPost, installShop } from "~test/harness/shopify-auth";
import { connectZoho, settle } from "~test/helpers/zoho-connect";
import { expireZohoAccessTokens, revokeZohoRefreshToken, zohoAccounts } from "~test/harness/zoho-accounts";
import { seedOrganization, zohoBooks } from "~test/harness/zoho-books";
import { decryptSecret } from "~/crypto.server";

type LoaderData = Awaited<ReturnType<typeof loader>>;
type ActionBody = {
  intent: string;
  ok: boolean;
  error?: string;
  message?: string;
  connectUrl?: string;
  keyFields?: unknown[];
};

const call = (request: Request) => ({ request, params: {}, context: {} });

async function load(shop: string, query = ""): Promise<LoaderData> {
  const res = await settle(async () => loader(call(await adminDocumentRequest(shop, `/app/settings${query}`))));
  expect(res.status).toBe(200);
  return res.body as LoaderData;
}

async function post(shop: string, fields: Record<string, string>) {
  const res = await settle(async () => action(call(await adminFormPost(shop, "/app/settings", fields))));
  return { status: res.status, body: res.body as ActionBody };
}

/** A shop connected through the real OAuth routes, with `orgs` organizations in Zoho. */
async function connectedShop(orgs = 1) {
  const shop = uniqueShop();
  await installShop(shop);
  const seeded = Array.from({ length: orgs }, (_, i) => seedOrganization({ preset: i === 0 ? "eu" : "us" }));
  expect((await connectZoho(shop)).status).toBe(302);
  return { shop, orgs: seeded.map((o) => o.organization) };
}

describe("/app/settings authentication", () => {
  it("rejects loader and action requests without a valid session token", async () => {
    const { shop } = await connectedShop();
    const before = await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } });

    const anonymous = await settle(() => loader(call(new Request("https://my-test-app.myshopify.io/app/settings"))));
    expect(anonymous.status).toBe(302);
    expect(anonymous.response!.headers.get("location")).toMatch(/^\/auth\/login/);

    // A token for this shop but signed with another secret (someone else's app).
    const forged = await adminFetchRequest(shop, "/app/settings", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "intent=disconnect",
    });
    const [h, p] = forged.headers.get("authorization")!.slice(7).split(".");
    forged.headers.set("authorization", `Bearer ${h}.${p}.c2lnbmVkLXdpdGgtYW5vdGhlci1zZWNyZXQtMDEyMzQ1Njc4OWFi`);
    const rejected = await settle(() => action(call(forged)));
    expect(rejected.status).toBe(401);

    const noToken = await settle(() =>
      action(
        call(
          new Request("https://my-test-app.myshopify.io/app/settings", {
            method: "POST",
            body: new URLSearchParams({ intent: "disconnect" }),
          }),
        ),
      ),
    );
    expect(noToken.status).toBe(302);

    expect(await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).toEqual(before);
  });

  it("never lets one shop's session read or change another shop's connection", async () => {
    const { shop: owner, orgs } = await connectedShop(2);
    const intruder = uniqueShop("intruder");
    await installShop(intruder);
    const before = await prisma.zohoConnection.findUniqueOrThrow({ where: { shop: owner } });

    const seen = await load(intruder);
    expect(seen.status.state).toBe("not_connected");
    expect(seen.status.organizationName).toBeNull();
    expect(seen.organizations).toBeNull();

    const attempts: Array<Record<string, string>> = [
      { intent: "setAutoSend", autoSend: "false" },
      { intent: "setTagOrders", tagOrders: "true" },
      { intent: "setCreateMissingItems", createMissingItems: "false" },
      { intent: "setDiscountStyle", discountStyle: "lines" },
      { intent: "setUpdateDraftsOnEdit", updateDraftsOnEdit: "false" },
      { intent: "setCancelledDrafts", cancelledDrafts: "delete" },
      { intent: "selectOrganization", organizationId: orgs[1]!.organization_id },
      { intent: "disconnect" },
    ];
    for (const fields of attempts) {
      const res = await post(intruder, fields);
      expect(res.body).toMatchObject({ ok: false, error: expect.stringContaining("not connected") });
    }
    expect(await prisma.zohoConnection.findUniqueOrThrow({ where: { shop: owner } })).toEqual(before);
    expect(await prisma.zohoConnection.findUnique({ where: { shop: intruder } })).toBeNull();
  });
});

describe("/app/settings states", () => {
  it("not connected: no Zoho call, and Connect returns a top-level URL to /zoho/connect", async () => {
    const shop = uniqueShop();
    await installShop(shop);

    const data = await load(shop);
    expect(data.status).toMatchObject({ state: "not_connected", organizationId: null });
    expect(data.organizations).toBeNull();
    expect(zohoBooks.count()).toBe(0);

    const res = await post(shop, { intent: "connect", dataCenter: "eu" });
    expect(res.status).toBe(200);
    const url = new URL(res.body.connectUrl!);
    expect(url.origin + url.pathname).toBe("https://my-test-app.myshopify.io/zoho/connect");
    expect(url.searchParams.get("dc")).toBe("eu");
    expect(url.searchParams.get("id_token")).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("rejects bad input with 400 and a reason", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    expect(await post(shop, { intent: "connect", dataCenter: "mars" })).toMatchObject({
      status: 400,
      body: { ok: false, error: expect.stringMatching(/data center/) },
    });
    expect(await post(shop, { intent: "selectOrganization", organizationId: "1; drop table" })).toMatchObject({
      status: 400,
    });
    expect(await post(shop, { intent: "setAutoSend", autoSend: "maybe" })).toMatchObject({ status: 400 });
    // The old "Link lines to Zoho items by SKU" toggle is gone: lines are always linked (issue 11).
    expect(await post(shop, { intent: "setLinkItemsBySku", linkItemsBySku: "true" })).toMatchObject({ status: 400 });
    expect(await post(shop, { intent: "setTagOrders", tagOrders: "yes" })).toMatchObject({ status: 400 });
    expect(await post(shop, { intent: "explode" })).toMatchObject({ status: 400, body: { error: "Unknown action." } });
  });

  it("connected with one organization: it is chosen automatically and listed", async () => {
    const { shop, orgs } = await connectedShop(1);
    zohoBooks.clearRequests();

    const data = await load(shop);

    expect(zohoBooks.count()).toBe(0); // the list is the copy cached at connect time
    expect(data.organizationsFetchedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(data.status).toMatchObject({
      state: "connected",
      organizationId: orgs[0]!.organization_id,
      organizationName: orgs[0]!.name,
      autoSend: true,
    });
    expect(data.status.connectedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(data.status.lastSuccessAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(data.organizations).toEqual([{ id: orgs[0]!.organization_id, name: orgs[0]!.name, currencyCode: "EUR" }]);
    expect(JSON.stringify(data)).not.toMatch(/1000\.[0-9a-f]{32}/); // no Zoho token reaches the page
  });

  it("connected with several organizations: the merchant picks one, toggles auto-send", async () => {
    const { shop, orgs } = await connectedShop(2);
    expect((await load(shop)).status.organizationId).toBeNull();
    expect((await load(shop)).tagOrders).toBe(false); // the order tag is off until the merchant wants it

    const picked = await post(shop, { intent: "selectOrganization", organizationId: orgs[1]!.organization_id });
    expect(picked.body).toMatchObject({ ok: true, message: `Draft invoices will be created in ${orgs[1]!.name}.` });
    expect(await post(shop, { intent: "setAutoSend", autoSend: "false" })).toMatchObject({ body: { ok: true } });
    expect(await post(shop, { intent: "setTagOrders", tagOrders: "true" })).toMatchObject({ body: { ok: true } });
    expect((await load(shop)).books).toEqual({
      createMissingItems: true,
      itemsRequired: false,
      discountStyle: "negative",
      printOrderNote: false,
      keepExistingContacts: false,
    }); // the defaults
    expect(await post(shop, { intent: "setDiscountStyle", discountStyle: "lines" })).toMatchObject({
      body: { ok: true },
    });
    expect(await post(shop, { intent: "setDiscountStyle", discountStyle: "percent" })).toMatchObject({ status: 400 });
    expect(await post(shop, { intent: "setCreateMissingItems", createMissingItems: "false" })).toMatchObject({
      body: { ok: true, message: "No Zoho items are created; lines use existing items or none." },
    });
    expect(await post(shop, { intent: "setCreateMissingItems", createMissingItems: "no" })).toMatchObject({
      status: 400,
    });

    expect((await load(shop)).orderChanges).toEqual({ updateDraftsOnEdit: true, cancelledDrafts: "void" });
    expect(await post(shop, { intent: "setUpdateDraftsOnEdit", updateDraftsOnEdit: "false" })).toMatchObject({
      body: { ok: true, message: "Edited orders are only noted; use Update on the order to change its draft." },
    });
    expect(await post(shop, { intent: "setCancelledDrafts", cancelledDrafts: "delete" })).toMatchObject({
      body: { ok: true, message: "A cancelled order's draft invoice is deleted." },
    });
    expect(await post(shop, { intent: "setCancelledDrafts", cancelledDrafts: "keep" })).toMatchObject({ status: 400 });

    const data = await load(shop);
    expect(data.orderChanges).toEqual({ updateDraftsOnEdit: false, cancelledDrafts: "delete" });
    expect(data.books).toMatchObject({ createMissingItems: false, discountStyle: "lines" });
    expect(data.tagOrders).toBe(true);
    expect(data.status).toMatchObject({
      organizationId: orgs[1]!.organization_id,
      organizationName: orgs[1]!.name,
      currencyCode: "USD",
      autoSend: false,
    });

    const unknown = await post(shop, { intent: "selectOrganization", organizationId: "123456789" });
    expect(unknown.body).toMatchObject({
      ok: false,
      error: expect.stringContaining("not available to the connected Zoho account"),
    });
  });

  it("Invoice in and the reference prefix: defaults, changes, refusals (ADR 020)", async () => {
    const { shop } = await connectedShop();
    expect((await load(shop)).store).toEqual({
      invoiceIn: "customer",
      referencePrefixSetting: null,
      referencePrefix: "",
      otherStores: 0,
      locationId: null,
      salespersonName: null,
    });
    expect(
      await post(shop, { intent: "setStoreIdentity", locationId: "460000000038080", salespersonName: "EU desk" }),
    ).toMatchObject({ body: { ok: true } });
    expect(await post(shop, { intent: "setStoreIdentity", locationId: "Milan" })).toMatchObject({ status: 400 });
    expect((await load(shop)).store).toMatchObject({ locationId: "460000000038080", salespersonName: "EU desk" });
    expect(await post(shop, { intent: "setInvoiceIn", invoiceIn: "shop" })).toMatchObject({
      body: { ok: true, message: "New invoices are in the shop's currency." },
    });
    expect(await post(shop, { intent: "setInvoiceIn", invoiceIn: "euro" })).toMatchObject({ status: 400 });
    expect(await post(shop, { intent: "setReferencePrefix", referencePrefix: "EU" })).toMatchObject({
      body: { ok: true, message: 'New invoices\' references start with "EU-".' },
    });
    expect(await post(shop, { intent: "setReferencePrefix", referencePrefix: "<script>" })).toMatchObject({
      status: 400,
    });
    expect((await load(shop)).store).toMatchObject({ invoiceIn: "shop", referencePrefix: "EU" });
    expect(await post(shop, { intent: "setReferencePrefix", referencePrefix: "" })).toMatchObject({
      body: { ok: true, message: "The reference prefix is automatic." },
    });
    expect((await load(shop)).store).toMatchObject({ referencePrefixSetting: null, referencePrefix: "" });
  });

  it("a plain load never calls Zoho; Refresh list fetches the organizations again, and says why it could not", async () => {
    const { shop, orgs } = await connectedShop(1);
    const added = seedOrganization({ preset: "us" }).organization;
    zohoBooks.clearRequests();
    expect((await load(shop)).organizations).toHaveLength(1);
    expect(zohoBooks.count()).toBe(0);

    expect((await post(shop, { intent: "refreshOrganizations" })).body).toMatchObject({
      ok: true,
      message: "2 Zoho Books organizations found.",
    });
    expect(zohoBooks.count("GET /organizations")).toBe(1);
    expect((await load(shop)).organizations?.map((o) => o.id)).toEqual([
      orgs[0]!.organization_id,
      added.organization_id,
    ]);
    // Choosing from the cached list needs no further call.
    expect(
      (await post(shop, { intent: "selectOrganization", organizationId: added.organization_id })).body,
    ).toMatchObject({ ok: true });
    expect(zohoBooks.count()).toBe(1);

    zohoBooks.inject({ kind: "internal-error", path: "/organizations", times: Infinity });
    const failed = await post(shop, { intent: "refreshOrganizations" });
    expect(failed.body).toMatchObject({ ok: false, error: "Internal error" }); // Zoho's own message
    expect(failed.body.error).not.toMatch(/\n\s+at /);
    expect((await load(shop)).organizations).toHaveLength(2); // the last good copy stays
  });

  it("needs reconnect: a refresh token Zoho refuses flips the page to needs_reauth with the reason", async () => {
    const { shop } = await connectedShop(1);
    const row = await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } });
    revokeZohoRefreshToken(decryptSecret(row.refreshTokenEnc!));
    expireZohoAccessTokens();
    await prisma.zohoConnection.update({
      where: { shop },
      data: { accessTokenExpiresAt: new Date(Date.now() - 1000) },
    });

    expect((await post(shop, { intent: "refreshOrganizations" })).body).toMatchObject({ ok: false });
    const data = await load(shop);

    expect(data.status.state).toBe("needs_reauth");
    expect(data.status.lastError).toMatch(/Reconnect needed/);

    // Reconnect is the same connect intent; completing it makes the connection usable again.
    expect((await post(shop, { intent: "connect", dataCenter: "com" })).body.connectUrl).toBeTruthy();
    expect((await connectZoho(shop, "com")).status).toBe(302);
    expect((await load(shop)).status.state).toBe("connected");
  });

  it("disconnect revokes at Zoho and removes the tokens", async () => {
    const { shop } = await connectedShop(1);
    const { refreshTokenEnc } = await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } });

    const res = await post(shop, { intent: "disconnect" });

    expect(res.body).toMatchObject({ ok: true, message: expect.stringContaining("revoked") });
    expect(zohoAccounts.refreshTokens.get(decryptSecret(refreshTokenEnc!))?.revoked).toBe(true);
    expect(await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).toMatchObject({
      status: "disconnected",
      refreshTokenEnc: null,
      accessTokenEnc: null,
    });
    expect((await load(shop)).status.state).toBe("disconnected");
  });
});

describe("duplicate protection: the unique invoice field", () => {
  async function withOrganization() {
    const { shop, orgs } = await connectedShop();
    const organizationId = orgs[0]!.organization_id;
    expect((await post(shop, { intent: "selectOrganization", organizationId })).body.ok).toBe(true);
    return { shop, organizationId };
  }

  it("finds the organization's unique invoice fields only when asked, and keys creates on the chosen one", async () => {
    const { shop, organizationId } = await withOrganization();
    const unique = zohoBooks.addInvoiceCustomField(organizationId, {
      label: "Shopify order ID",
      api_name: "cf_shopify_order_id",
      unique: true,
    });
    zohoBooks.addInvoiceCustomField(organizationId, { label: "PO", api_name: "cf_po", unique: false });
    zohoBooks.clearRequests();

    await load(shop);
    expect(zohoBooks.count("GET /settings/customfields")).toBe(0);

    const found = await post(shop, { intent: "detectInvoiceKey" });
    expect(found.body).toMatchObject({
      ok: true,
      keyFields: [{ apiName: "cf_shopify_order_id", label: "Shopify order ID", unique: true }],
    });

    const chosen = await post(shop, {
      intent: "setInvoiceKey",
      apiName: "cf_shopify_order_id",
      fieldId: String(unique.customfield_id),
    });
    expect(chosen.body.ok).toBe(true);
    expect(await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).toMatchObject({
      invoiceKeyField: "cf_shopify_order_id",
      invoiceKeyFieldId: String(unique.customfield_id),
    });
    expect((await load(shop)).status.invoiceKeyField).toBe("cf_shopify_order_id");

    expect((await post(shop, { intent: "setInvoiceKey", apiName: "" })).body.ok).toBe(true);
    expect((await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).invoiceKeyField).toBeNull();
  });

  it("says so when there is none, and refuses what is not an API name", async () => {
    const { shop } = await withOrganization();
    const none = await post(shop, { intent: "detectInvoiceKey" });
    expect(none.body.ok).toBe(true);
    expect(none.body.message).toMatch(/No invoice custom field that refuses duplicate values/);

    const bad = await post(shop, { intent: "setInvoiceKey", apiName: "Shopify order ID" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/not a Zoho custom field API name/);
  });

  it("choosing another organization forgets the field of the previous one", async () => {
    const { shop, orgs } = await connectedShop(2);
    await post(shop, { intent: "selectOrganization", organizationId: orgs[0]!.organization_id });
    await post(shop, { intent: "setInvoiceKey", apiName: "cf_shopify_order_id" });
    await post(shop, { intent: "selectOrganization", organizationId: orgs[1]!.organization_id });
    expect((await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).invoiceKeyField).toBeNull();
  });
});
