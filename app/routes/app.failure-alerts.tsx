// POST /app/failure-alerts — the Settings card "Email me when orders need attention" saves here
// (ADR 021). Thin: authenticate, validate, call the owner of the setting, answer for the card.
import type { ActionFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/react";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { authenticate } from "~/shopify.server";
import { AlertSettingsError, saveFailureAlertSettings } from "~/sync/failure-alerts.server";

export type FailureAlertsActionResult = { ok: true; message: string } | { ok: false; error: string };

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const form = await request.formData();
  const enabled = String(form.get("enabled") ?? "");
  const email = String(form.get("email") ?? "").slice(0, 320);
  const refuse = (error: string) => data<FailureAlertsActionResult>({ ok: false, error }, { status: 400 });
  if (enabled !== "true" && enabled !== "false") return refuse("Invalid value for the alert switch.");
  if (enabled === "true" && !env.smtp)
    return refuse("Email alerts are off on this server: it has no SMTP settings. Ask whoever runs the app.");
  try {
    const saved = await saveFailureAlertSettings(shop, { enabled: enabled === "true", email });
    return data<FailureAlertsActionResult>({
      ok: true,
      message: saved.enabled
        ? "Alerts on: you get at most one email an hour when orders need attention."
        : "Email alerts are off.",
    });
  } catch (err) {
    if (err instanceof AlertSettingsError) return refuse(err.message);
    logger.error({ shop, err }, "failure alert settings not saved");
    return refuse("Something went wrong on our side. Try again in a minute.");
  }
}
