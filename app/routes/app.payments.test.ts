// POST /app/payments (Settings › Payments) with real `authenticate.admin`, Postgres and the Zoho
// simulator: off by default; turning it on fetches the deposit accounts once; a gateway's mode and
// account are saved only with an account of the organization.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { action, type PaymentsActionResult } from "~/routes/app.payments";
import { getPaymentSettings } from "~/sync/payment-settings.server";
import { connectedShop } from "~test/harness/connected-shop";
import { adminFetchRequest } from "~test/harness/shopify-auth";
import { zohoBooks } from "~test/harness/zoho-books";
import { settle } from "~test/helpers/zoho-connect";

async function post(shop: string, fields: Record<string, string>) {
  const request = await adminFetchRequest(shop, "/app/payments", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  const res = await settle(() => action({ request, params: {}, context: {} }));
  return { status: res.status, body: res.body as PaymentsActionResult };
}

describe("Settings › Payments", () => {
  it("is off by default; on fetches the deposit accounts once; a gateway is mapped to one of them", async () => {
    const { shop, org } = await connectedShop({ label: "payments" });
    expect(await getPaymentSettings(shop)).toEqual({ recordPayments: false, accounts: {}, depositAccounts: null });

    zohoBooks.clearRequests();
    expect((await post(shop, { intent: "setRecordPayments", on: "true" })).body).toMatchObject({ ok: true });
    expect(zohoBooks.count("GET /bankaccounts")).toBe(1);
    const on = await getPaymentSettings(shop);
    expect(on.recordPayments).toBe(true);
    expect(on.depositAccounts?.map((a) => a.account_name)).toEqual([
      "Undeposited Funds",
      "Petty Cash",
      "Business Checking",
    ]);

    const checking = org.depositAccounts.find((a) => a.account_name === "Business Checking")!;
    const saved = await post(shop, {
      intent: "setPaymentRoute",
      gateway: "shopify_payments",
      paymentMode: "banktransfer",
      accountId: checking.account_id,
    });
    expect(saved.body).toEqual({ ok: true, message: "Saved." });
    expect((await getPaymentSettings(shop)).accounts).toEqual({
      shopify_payments: { paymentMode: "banktransfer", accountId: checking.account_id },
    });

    const foreign = await post(shop, {
      intent: "setPaymentRoute",
      gateway: "paypal",
      paymentMode: "cash",
      accountId: "123",
    });
    expect(foreign).toMatchObject({ status: 400, body: { ok: false } });
    const badMode = await post(shop, { intent: "setPaymentRoute", gateway: "paypal", paymentMode: "barter" });
    expect(badMode.status).toBe(400);

    await post(shop, { intent: "setRecordPayments", on: "false" });
    expect((await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).recordPayments).toBe(false);
  });
});
