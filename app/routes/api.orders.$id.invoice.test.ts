// /api/orders/:id/invoice through the real route and `authenticate.admin` (session tokens signed like
// the block's), real Postgres + Redis and the Zoho/Shopify simulators: every verb, ownership, CORS.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { syncOrderJobId } from "~/queue/queues.server";
import { action, loader } from "~/routes/api.orders.$id.invoice";
import type { InvoiceApiFailure, InvoiceApiResponse, InvoiceApiSuccess } from "~/sync/order-invoice";
import { connectedShop } from "~test/harness/connected-shop";
import { adminFetchRequest, appUrl, sessionToken } from "~test/harness/shopify-auth";
import { simpleOrder, withTestQueues } from "~test/helpers/sync-queue";
import { settle } from "~test/helpers/zoho-connect";
import { getShopifyMetafield, shopify, type SimOrder } from "~test/harness/shopify";
import { zohoBooks } from "~test/harness/zoho-books";

/** Where admin UI extensions run: requests to the app are cross-origin. */
const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";

const { queues } = withTestQueues({ appDefault: true });

type Method = "GET" | "POST" | "PUT" | "DELETE" | "OPTIONS";

/** The block's fetch: `Authorization: Bearer <session token>` added by Shopify, from the extension origin. */
async function call(shop: string, method: Method, id: string, query = "") {
  const request = await adminFetchRequest(shop, `/api/orders/${encodeURIComponent(id)}/invoice${query}`, {
    method,
    headers: { origin: EXTENSION_ORIGIN },
  });
  return send(request, id);
}

async function send(request: Request, id: string) {
  const args = { request, params: { id }, context: {} };
  const res = await settle(() =>
    request.method === "GET" || request.method === "OPTIONS" ? loader(args) : action(args),
  );
  return { status: res.status, body: res.body as InvoiceApiResponse, headers: res.response?.headers ?? new Headers() };
}

const ok = (body: InvoiceApiResponse) => {
  expect(body.ok).toBe(true);
  return body as InvoiceApiSuccess;
};
const failed = (body: InvoiceApiResponse) => {
  expect(body.ok).toBe(false);
  return body as InvoiceApiFailure;
};

async function shopWithOrder(opts: { tagOrders?: boolean } = {}) {
  const s = await connectedShop({ label: "block" });
  if (opts.tagOrders) await prisma.zohoConnection.update({ where: { shop: s.shop }, data: { tagOrders: true } });
  const order = simpleOrder();
  const orderId = s.addOrder(order);
  return { ...s, order, orderId, gid: order.id };
}

describe("GET /api/orders/:id/invoice", () => {
  it("an order the app never sent: not_sent with Shopify's total, CORS headers for the block", async () => {
    const { shop, order, orderId } = await shopWithOrder();
    const res = await call(shop, "GET", orderId);

    expect(res.status).toBe(200);
    expect(ok(res.body).order).toEqual({
      orderId,
      orderName: order.name,
      state: "not_sent",
      invoice: null,
      orderTotal: { amount: order.totalPriceSet.shopMoney.amount, currencyCode: "EUR" },
      problem: null,
      syncedAt: null,
      updatedAt: null,
    });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    expect(zohoBooks.count()).toBe(0);
  });

  it("accepts the Order GID as the id", async () => {
    const { shop, gid, orderId } = await shopWithOrder();
    const res = await call(shop, "GET", gid);
    expect(res.status).toBe(200);
    expect(ok(res.body).order.orderId).toBe(orderId);
  });

  it("an id that is not an order id → 400; an order the shop does not have → 404", async () => {
    const { shop } = await shopWithOrder();
    expect((await call(shop, "GET", "gid://shopify/Product/1")).status).toBe(400);
    const missing = await call(shop, "GET", "987654321");
    expect(missing.status).toBe(404);
    expect(failed(missing.body).error.code).toBe("order_not_found");
  });

  it("reads the stored state without calling Zoho; ?refresh=1 re-reads the invoice (now paid)", async () => {
    const { shop, org, orderId } = await shopWithOrder();
    const created = ok((await call(shop, "POST", orderId)).body).order;
    zohoBooks.recordPayment(org.organization.organization_id, created.invoice!.id);
    zohoBooks.clearRequests();

    const stored = await call(shop, "GET", orderId);
    expect(ok(stored.body).order.state).toBe("draft");
    expect(zohoBooks.count()).toBe(0);

    const refreshed = await call(shop, "GET", orderId, "?refresh=1");
    expect(refreshed.status).toBe(200);
    expect(ok(refreshed.body).order).toMatchObject({
      state: "paid",
      invoice: { zohoStatus: "paid", number: created.invoice!.number },
    });
    expect(zohoBooks.counts()).toEqual({ "GET /invoices/{id}": 1 });
  });

  it("?refresh=1 on an invoice deleted in Zoho: the order can be created again, the metafield is cleared", async () => {
    const { shop, org, orderId, gid } = await shopWithOrder();
    const created = ok((await call(shop, "POST", orderId)).body).order;
    org.invoices.clear();

    const res = await call(shop, "GET", orderId, "?refresh=1");
    expect(ok(res.body).order).toMatchObject({
      state: "not_sent",
      invoice: null,
      problem: { code: "zoho_invoice_missing" },
    });
    expect(ok(res.body).order.problem!.message).toContain(created.invoice!.number);
    expect(getShopifyMetafield(gid, "zoho_invoice")).toBeUndefined();
    expect((await call(shop, "POST", orderId)).status).toBe(201);
  });
});

describe("POST /api/orders/:id/invoice", () => {
  it("creates the draft now: 201 with the invoice number, both totals, the Zoho link; the metafield is set", async () => {
    const { shop, org, order, orderId, gid } = await shopWithOrder();
    const res = await call(shop, "POST", orderId);

    expect(res.status).toBe(201);
    const body = ok(res.body);
    const [invoice] = [...org.invoices.values()];
    const orgId = org.organization.organization_id;
    expect(body.message).toBe(`Draft invoice ${invoice!.invoice_number} created in Zoho Books.`);
    expect(body.order).toMatchObject({
      state: "draft",
      problem: null,
      invoice: {
        id: invoice!.invoice_id,
        number: invoice!.invoice_number,
        zohoStatus: "draft",
        currencyCode: "EUR",
        shopifyTotal: order.totalPriceSet.shopMoney.amount,
        zohoTotal: order.totalPriceSet.shopMoney.amount,
        url: `https://books.zoho.com/app/${orgId}#/invoices/${invoice!.invoice_id}`,
      },
    });
    expect(getShopifyMetafield(gid, "zoho_invoice")?.value).toBe(invoice!.invoice_number);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("a second Create creates nothing: 200 with the existing invoice", async () => {
    const { shop, org, orderId } = await shopWithOrder();
    await call(shop, "POST", orderId);
    const again = await call(shop, "POST", orderId);
    expect(again.status).toBe(200);
    expect(ok(again.body).message).toMatch(/already has invoice INV-/);
    expect(org.invoices.size).toBe(1);
  });

  it("a refusal (no Zoho tax of that rate) → 422 with the reason; the order shows the error", async () => {
    const s = await connectedShop({ label: "block" });
    const orderId = s.addOrder(
      simpleOrder({ lines: [{ title: "Mug", quantity: 1, price: "10.00", taxes: [{ title: "VAT", percent: "17" }] }] }),
    );
    const res = await call(s.shop, "POST", orderId);

    expect(res.status).toBe(422);
    const body = failed(res.body);
    expect(body.error.code).toBe("unknown_tax_rate");
    expect(body.order).toMatchObject({ state: "error", problem: { code: "unknown_tax_rate", retryable: false } });
    expect(s.org.invoices.size).toBe(0);
  });

  it("Zoho unavailable → 202: recorded as failed and queued with manual priority", async () => {
    const { shop, org, orderId } = await shopWithOrder();
    zohoBooks.inject({ kind: "internal-error", method: "GET", path: "/settings/taxes", times: 3 });
    const res = await call(shop, "POST", orderId);

    expect(res.status).toBe(202);
    const body = ok(res.body);
    expect(body.warning).toMatch(/retried automatically/);
    expect(body.order).toMatchObject({ state: "error", problem: { code: "zoho_unavailable", retryable: true } });
    const job = await queues.syncOrder.getJob(syncOrderJobId(shop, orderId));
    expect(job?.data).toEqual({ shop, orderId, mode: "manual" });
    expect(job?.opts.priority).toBe(1);
    expect(org.invoices.size).toBe(0);
  });

  it("a shop paused for its daily Zoho limit → 202 queued, no Zoho call", async () => {
    const { shop, orderId } = await shopWithOrder();
    await prisma.zohoConnection.update({
      where: { shop },
      data: { pausedUntil: new Date(Date.now() + 3_600_000), pauseReason: "daily_quota" },
    });
    const res = await call(shop, "POST", orderId);

    expect(res.status).toBe(202);
    expect(ok(res.body).warning).toMatch(/^Sending is paused\. The daily Zoho Books API limit is reached/);
    expect(ok(res.body).order.state).toBe("queued");
    expect(await queues.syncOrder.getJob(syncOrderJobId(shop, orderId))).toBeTruthy();
    expect(zohoBooks.count()).toBe(0);
  });

  it("Zoho Books not connected → 409 saying so", async () => {
    const { shop, orderId } = await shopWithOrder();
    await prisma.zohoConnection.update({ where: { shop }, data: { status: "disconnected", refreshTokenEnc: null } });
    const res = await call(shop, "POST", orderId);
    expect(res.status).toBe(409);
    expect(failed(res.body).error).toEqual({
      code: "zoho_not_connected",
      message: "Connect Zoho Books in the app's Settings first.",
    });
  });
});

describe("PUT /api/orders/:id/invoice", () => {
  it("re-pushes the edited order to the draft", async () => {
    const { shop, org, order, orderId, addOrder } = await shopWithOrder();
    await call(shop, "POST", orderId);
    const edited = simpleOrder({
      id: orderId,
      name: order.name,
      lines: [{ title: "Espresso cups", quantity: 3, price: "19.90", taxes: [{ title: "IVA", percent: "22" }] }],
    });
    addOrder(edited);

    const res = await call(shop, "PUT", orderId);
    expect(res.status).toBe(200);
    const body = ok(res.body);
    expect(body.message).toMatch(/^Draft invoice INV-\d+ updated from the order\.$/);
    expect(body.order.invoice).toMatchObject({
      shopifyTotal: edited.totalPriceSet.shopMoney.amount,
      zohoTotal: edited.totalPriceSet.shopMoney.amount,
    });
    expect(org.invoices.size).toBe(1);
  });

  it("an invoice that is no longer a draft → 409 with the reason", async () => {
    const { shop, org, orderId } = await shopWithOrder();
    await call(shop, "POST", orderId);
    [...org.invoices.values()][0]!.status = "sent";

    const res = await call(shop, "PUT", orderId);
    expect(res.status).toBe(409);
    const body = failed(res.body);
    expect(body.error.code).toBe("not_draft");
    expect(body.error.message).toMatch(/is sent in Zoho Books, not a draft/);
    expect(body.order).toMatchObject({ state: "sent", invoice: { zohoStatus: "sent" } });
  });

  it("an order without an invoice → 409 not_synced", async () => {
    const { shop, orderId } = await shopWithOrder();
    const res = await call(shop, "PUT", orderId);
    expect(res.status).toBe(409);
    expect(failed(res.body).error.code).toBe("not_synced");
    expect(failed(res.body).order?.state).toBe("not_sent");
  });
});

describe("DELETE /api/orders/:id/invoice", () => {
  it("deletes the invoice in Zoho and clears the order metafield", async () => {
    const { shop, org, orderId, gid } = await shopWithOrder();
    const created = ok((await call(shop, "POST", orderId)).body).order;
    expect(getShopifyMetafield(gid, "zoho_invoice")).toBeDefined();

    const res = await call(shop, "DELETE", orderId);
    expect(res.status).toBe(200);
    expect(ok(res.body).message).toBe(
      `Invoice ${created.invoice!.number} deleted in Zoho Books. Use Create to send the order again.`,
    );
    expect(ok(res.body).order).toMatchObject({ state: "not_sent", invoice: null, problem: null });
    expect(org.invoices.size).toBe(0);
    expect(getShopifyMetafield(gid, "zoho_invoice")).toBeUndefined();
  });

  it("Zoho refuses (payments recorded) → 409 with Zoho's reason; the invoice stays", async () => {
    const { shop, org, orderId } = await shopWithOrder();
    const created = ok((await call(shop, "POST", orderId)).body).order;
    zohoBooks.recordPayment(org.organization.organization_id, created.invoice!.id);

    const res = await call(shop, "DELETE", orderId);
    expect(res.status).toBe(409);
    const body = failed(res.body);
    expect(body.error.code).toBe("delete_refused");
    expect(body.error.message).toMatch(/Payments have been recorded for this invoice/);
    expect(body.order?.invoice?.id).toBe(created.invoice!.id);
    expect(org.invoices.size).toBe(1);
  });
});

describe("the optional order tag", () => {
  it("with the setting on, Create tags the order 'Zoho: INV-…' and Delete removes the tag", async () => {
    const { shop, orderId, gid } = await shopWithOrder({ tagOrders: true });
    const created = ok((await call(shop, "POST", orderId)).body).order;
    const tags = () => (shopify.orders.get(gid) as SimOrder).tags ?? [];
    expect(tags()).toContain(`Zoho: ${created.invoice!.number}`);

    await call(shop, "DELETE", orderId);
    expect(tags()).not.toContain(`Zoho: ${created.invoice!.number}`);
  });

  it("with the setting off (the default), no tag is written", async () => {
    const { shop, orderId, gid } = await shopWithOrder();
    await call(shop, "POST", orderId);
    expect((shopify.orders.get(gid) as SimOrder).tags ?? []).toEqual([]);
    expect(shopify.mutations.map((m) => m.operationName)).toEqual(["SetInvoiceMetafield"]);
  });
});

describe("authentication, ownership and CORS", () => {
  it("no session token → 401 JSON (not a login redirect), with CORS headers so the block can read it", async () => {
    const { orderId } = await shopWithOrder();
    const res = await send(
      new Request(appUrl(`/api/orders/${orderId}/invoice`), { headers: { origin: EXTENSION_ORIGIN } }),
      orderId,
    );
    expect(res.status).toBe(401);
    expect(failed(res.body).error.code).toBe("unauthorized");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("a token signed with another secret → 401", async () => {
    const { shop, orderId } = await shopWithOrder();
    const [h, p] = (await sessionToken(shop)).split(".");
    const request = new Request(appUrl(`/api/orders/${orderId}/invoice`), {
      method: "DELETE",
      headers: {
        origin: EXTENSION_ORIGIN,
        authorization: `Bearer ${h}.${p}.c2lnbmVkLXdpdGgtYW5vdGhlci1zZWNyZXQtMDEyMzQ1Njc4OWFi`,
      },
    });
    expect((await send(request, orderId)).status).toBe(401);
  });

  it("another shop's order is 404 for every verb and stays untouched", async () => {
    const a = await shopWithOrder();
    const b = await connectedShop({ label: "other" });
    const created = ok((await call(a.shop, "POST", a.orderId)).body).order;

    for (const method of ["GET", "POST", "PUT", "DELETE"] as const) {
      const res = await call(b.shop, method, a.orderId);
      expect(res.status, method).toBe(404);
      expect(failed(res.body).order, method).toBeUndefined();
      expect(JSON.stringify(res.body)).not.toContain(created.invoice!.number);
    }
    expect(a.org.invoices.size).toBe(1);
    expect(b.org.invoices.size).toBe(0);
    expect(await prisma.orderSync.count({ where: { shop: b.shop } })).toBe(0);
  });

  it("Shopify refuses the stored offline token → the library's 401 (retry with a new token), not a 500", async () => {
    const { shop, orderId } = await shopWithOrder();
    // The offline token was revoked on Shopify's side: every Admin API call answers 401.
    for (const [token, owner] of shopify.accessTokens) if (owner.shop === shop) shopify.accessTokens.delete(token);

    const res = await call(shop, "POST", orderId);
    expect(res.status).toBe(401);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const stored = await prisma.session.findFirst({ where: { shop, isOnline: false } });
    expect(stored?.accessToken).toBe(""); // the library dropped the refused token, so the next request exchanges a new one
  });

  it("answers the CORS preflight with the methods the block uses", async () => {
    const { orderId } = await shopWithOrder();
    const request = new Request(appUrl(`/api/orders/${orderId}/invoice`), {
      method: "OPTIONS",
      headers: {
        origin: EXTENSION_ORIGIN,
        "access-control-request-method": "DELETE",
        "access-control-request-headers": "authorization",
      },
    });
    const res = await send(request, orderId);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    expect(res.headers.get("access-control-allow-methods")).toBe("GET, POST, PUT, DELETE, OPTIONS");
  });
});

describe("the order's credit notes (ADR 022)", () => {
  it("GET lists each refund's credit note and each payment with Zoho numbers and states; not another shop's", async () => {
    const { shop, orderId } = await shopWithOrder();
    await prisma.refundSync.createMany({
      data: [
        {
          shop,
          refundId: "1",
          orderId,
          refund: {},
          status: "synced",
          zohoCreditNoteNumber: "CN-00007",
          zohoCreditNoteStatus: "open",
          refundTotal: "19.9",
          appliedAmount: "0",
          currencyCode: "EUR",
        },
        { shop: "other-shop.myshopify.com", refundId: "2", orderId, refund: {}, status: "synced" },
      ],
    });
    await prisma.paymentSync.create({
      data: {
        shop,
        transactionId: "77",
        orderId,
        transaction: {},
        gateway: "paypal",
        amount: "39.8",
        currencyCode: "EUR",
        status: "synced",
        zohoPaymentNumber: "12",
      },
    });
    const res = await call(shop, "GET", orderId);
    expect(ok(res.body).order.payments).toEqual([
      expect.objectContaining({ transactionId: "77", summary: "39.8 EUR · paypal · Zoho payment 12" }),
    ]);
    expect(ok(res.body).order.creditNotes).toEqual([
      expect.objectContaining({
        refundId: "1",
        number: "CN-00007",
        zohoStatus: "open",
        summary: "CN-00007 · 19.9 EUR · open",
      }),
    ]);
  });
});
