// The Settings card's alert switch: the action with real `authenticate.admin` and Postgres, and the
// Settings loader's view of it (the shop's email from the Shopify simulator as the suggestion).
import { afterEach, describe, expect, it } from "vitest";
import { env, type SmtpConfig } from "~/env.server";
import { action } from "~/routes/app.failure-alerts";
import { loader as settingsLoader } from "~/routes/app.settings";
import { getFailureAlertSettings } from "~/sync/failure-alerts.server";
import { uniqueShop } from "~test/harness/shop";
import { shopify } from "~test/harness/shopify";
import { adminDocumentRequest, adminFormPost, installShop } from "~test/harness/shopify-auth";
import { settle } from "~test/helpers/zoho-connect";

const call = (request: Request) => ({ request, params: {}, context: {} });
const post = async (shop: string, fields: Record<string, string>) =>
  settle(async () => action(call(await adminFormPost(shop, "/app/failure-alerts", fields))));
const alertsOf = async (shop: string) => {
  const res = await settle(async () => settingsLoader(call(await adminDocumentRequest(shop, "/app/settings"))));
  expect(res.status).toBe(200);
  return (res.body as { alerts: Record<string, unknown> }).alerts;
};

/** The server's SMTP settings for one test (env is parsed once per process). */
function withSmtp(config: SmtpConfig | null) {
  (env as { smtp: SmtpConfig | null }).smtp = config;
}
afterEach(() => withSmtp(null));

describe("/app/failure-alerts", () => {
  it("without SMTP settings: the card says alerts are off here, and turning them on is refused", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    expect(await alertsOf(shop)).toMatchObject({ smtpConfigured: false, enabled: false });
    const res = await post(shop, { enabled: "true", email: "owner@acme.example" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ ok: false, error: expect.stringMatching(/off on this server/) });
    expect((await getFailureAlertSettings(shop)).enabled).toBe(false);
  });

  it("with SMTP settings: suggests the shop's email, saves the choice, refuses a bad address", async () => {
    withSmtp({ host: "127.0.0.1", port: 2525, secure: false, from: "alerts@app.example" });
    const shop = uniqueShop();
    await installShop(shop);
    shopify.shops.set(shop, { ianaTimezone: "Europe/Rome", currencyCode: "EUR", email: "hello@bottega.example" });
    expect(await alertsOf(shop)).toMatchObject({
      smtpConfigured: true,
      enabled: false,
      email: "hello@bottega.example",
      emailSuggested: true,
    });

    const bad = await post(shop, { enabled: "true", email: "hello@" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ ok: false, error: '"hello@" is not an email address.' });
    expect((await post(shop, { enabled: "maybe", email: "" })).status).toBe(400);
    // Hostile or huge input is refused as an address, and nothing is stored.
    for (const email of [`x@y.example"; DROP TABLE "FailureAlert"; --`, `${"a".repeat(10_000)}@bottega.example`])
      expect((await post(shop, { enabled: "true", email })).body).toMatchObject({ ok: false });
    expect((await getFailureAlertSettings(shop)).email).toBeNull();

    const ok = await post(shop, { enabled: "true", email: "books@bottega.example" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, message: expect.stringMatching(/at most one email an hour/) });
    expect(await alertsOf(shop)).toMatchObject({
      enabled: true,
      email: "books@bottega.example",
      emailSuggested: false,
    });

    expect((await post(shop, { enabled: "false", email: "books@bottega.example" })).body).toMatchObject({
      ok: true,
      message: "Email alerts are off.",
    });
    expect(await getFailureAlertSettings(shop)).toMatchObject({ enabled: false, email: "books@bottega.example" });
  });
});
