// Settings of the organization's books (issue 11): the order note on the invoice, existing contacts,
// and the merchant's Zoho tax for an ambiguous Shopify tax — through the real action and loader.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { action, loader } from "~/routes/app.settings";
import { uniqueShop } from "~test/harness/shop";
import { adminDocumentRequest, adminFormPost, installShop } from "~test/harness/shopify-auth";
import { getQueues, syncOrderJobId } from "~/queue/queues.server";
import { recordAmbiguousTax } from "~/sync/tax-mappings.server";
import { seedOrganization } from "~test/harness/zoho-books";
import { connectZoho, settle } from "~test/helpers/zoho-connect";

type LoaderData = Awaited<ReturnType<typeof loader>>;
type ActionBody = { intent: string; ok: boolean; error?: string; message?: string };

const call = (request: Request) => ({ request, params: {}, context: {} });

async function load(shop: string): Promise<LoaderData> {
  const res = await settle(async () => loader(call(await adminDocumentRequest(shop, "/app/settings"))));
  expect(res.status).toBe(200);
  return res.body as LoaderData;
}

async function post(shop: string, fields: Record<string, string>) {
  const res = await settle(async () => action(call(await adminFormPost(shop, "/app/settings", fields))));
  return { status: res.status, body: res.body as ActionBody };
}

async function connectedShop(preset: "eu" | "us" = "eu") {
  const shop = uniqueShop();
  await installShop(shop);
  const org = seedOrganization({ preset });
  expect((await connectZoho(shop)).status).toBe(302);
  return { shop, org };
}

describe("/app/settings: the invoice and contact toggles", () => {
  it("are off by default, saved per shop, shown by the loader, and refuse bad values", async () => {
    const { shop } = await connectedShop();
    expect((await load(shop)).books).toMatchObject({ printOrderNote: false, keepExistingContacts: false });

    expect(await post(shop, { intent: "setPrintOrderNote", printOrderNote: "true" })).toMatchObject({
      status: 200,
      body: { ok: true, message: "The order's note is printed on the invoice the customer sees." },
    });
    expect(await post(shop, { intent: "setKeepExistingContacts", keepExistingContacts: "true" })).toMatchObject({
      body: { ok: true },
    });
    expect((await load(shop)).books).toMatchObject({ printOrderNote: true, keepExistingContacts: true });
    expect(await post(shop, { intent: "setPrintOrderNote", printOrderNote: "yes" })).toMatchObject({ status: 400 });

    const other = uniqueShop("other");
    await installShop(other);
    expect((await post(other, { intent: "setPrintOrderNote", printOrderNote: "true" })).body).toMatchObject({
      ok: false,
      error: expect.stringContaining("not connected"),
    });
    const row = await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } });
    expect(row).toMatchObject({ printOrderNote: true, keepExistingContacts: true });
  });
});

describe("/app/settings: the merchant's Zoho tax for Shopify taxes that fit several", () => {
  it("lists what waits with its candidates, saves a candidate, refuses anything else, forgets on request", async () => {
    const { shop, org } = await connectedShop("us");
    const ctx = { shop, organizationId: org.organization.organization_id };
    const [nyc, westchester] = [...org.taxGroups.values()].map((g) => g.tax_group_id);
    const key = "NY State + NY City + MCTD";
    await recordAmbiguousTax(ctx, key, [nyc!, westchester!]);

    const before = (await load(shop)).taxChoices;
    expect(before).toEqual([
      {
        shopifyTaxes: key,
        zohoTaxId: null,
        // Named from the cached tax table when there is one; the ids otherwise (no Zoho call on a load).
        options: [
          { value: nyc, label: expect.stringMatching(/^(NYC Sales Tax \(8\.875%|Zoho tax )/) },
          { value: westchester, label: expect.any(String) },
        ],
      },
    ]);

    expect(await post(shop, { intent: "setTaxMapping", shopifyTaxes: key, zohoTaxId: "999" })).toMatchObject({
      status: 400,
      body: { error: `Choose one of the Zoho taxes offered for "${key}".` },
    });
    expect(await post(shop, { intent: "setTaxMapping", shopifyTaxes: "Unknown", zohoTaxId: nyc! })).toMatchObject({
      status: 400,
    });
    // An order waits for the choice (as the sync left it): saving the choice sends it again.
    await prisma.orderSync.create({
      data: { shop, orderId: "7001", status: "needs_attention", lastErrorCode: "ambiguous_tax" },
    });
    expect(await post(shop, { intent: "setTaxMapping", shopifyTaxes: key, zohoTaxId: nyc! })).toMatchObject({
      status: 200,
      body: {
        ok: true,
        message: `Orders with "${key}" use this Zoho tax from now on. 1 order that waited for a tax choice is being sent again.`,
      },
    });
    const job = await getQueues().syncOrder.getJob(syncOrderJobId(shop, "7001"));
    expect(job?.data).toMatchObject({ shop, orderId: "7001", mode: "manual" });
    expect((await load(shop)).taxChoices[0]).toMatchObject({ shopifyTaxes: key, zohoTaxId: nyc });

    // Another shop cannot see or change it.
    const other = uniqueShop("other");
    await installShop(other);
    expect((await load(other)).taxChoices).toEqual([]);
    expect((await post(other, { intent: "removeTaxMapping", shopifyTaxes: key })).status).toBe(400);

    expect((await post(shop, { intent: "removeTaxMapping", shopifyTaxes: key })).body).toMatchObject({ ok: true });
    expect(await prisma.taxMapping.count({ where: { shop } })).toBe(0);
  });
});
