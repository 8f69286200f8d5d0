// POST /app/payments — the Settings card "Payments" saves here (issue 12 item 4). Thin: authenticate,
// validate, call the owner of the setting (app/sync/payment-settings.server.ts), answer for the card.
import type { ActionFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/react";
import { logger } from "~/logger.server";
import { authenticate } from "~/shopify.server";
import { GATEWAYS, PAYMENT_MODES, type GatewayKey, type PaymentMode } from "~/sync/payment-settings";
import {
  PaymentSettingsError,
  refreshDepositAccounts,
  setPaymentRoute,
  setRecordPayments,
} from "~/sync/payment-settings.server";
import { ZohoError } from "~/zoho/errors";

export type PaymentsActionResult = { ok: true; message: string } | { ok: false; error: string };

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const refuse = (error: string) => data<PaymentsActionResult>({ ok: false, error }, { status: 400 });
  const done = (message: string) => data<PaymentsActionResult>({ ok: true, message });
  try {
    switch (intent) {
      case "setRecordPayments": {
        const on = String(form.get("on") ?? "");
        if (on !== "true" && on !== "false") return refuse("Invalid value for the payments switch.");
        await setRecordPayments(shop, on === "true");
        return done(
          on === "true"
            ? "Shopify's payments are recorded in Zoho Books; their invoices are marked as sent."
            : "Payments are no longer recorded; invoices stay drafts.",
        );
      }
      case "refreshDepositAccounts": {
        const accounts = await refreshDepositAccounts(shop);
        return done(`${accounts.length} deposit account${accounts.length === 1 ? "" : "s"} found in Zoho Books.`);
      }
      case "setPaymentRoute": {
        const gateway = String(form.get("gateway") ?? "") as GatewayKey;
        const paymentMode = String(form.get("paymentMode") ?? "") as PaymentMode;
        const accountId = String(form.get("accountId") ?? "").trim();
        if (!GATEWAYS.includes(gateway)) return refuse("Unknown payment gateway.");
        if (!PAYMENT_MODES.includes(paymentMode)) return refuse("Choose a Zoho payment mode.");
        if (accountId && !/^\d{1,30}$/.test(accountId)) return refuse("Choose a deposit account from the list.");
        await setPaymentRoute(shop, gateway, { paymentMode, accountId: accountId || null });
        return done("Saved.");
      }
      default:
        return refuse("Unknown action.");
    }
  } catch (err) {
    if (err instanceof PaymentSettingsError || err instanceof ZohoError) return refuse(err.message);
    logger.error({ shop, err, intent }, "payment settings not saved");
    return refuse("Something went wrong on our side. Try again in a minute.");
  }
}
