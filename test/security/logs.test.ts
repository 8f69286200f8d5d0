// No secret and no customer email in the logs. The app's pino logger (app/logger.server.ts, with its
// real redaction config) writes to a buffer at level trace while a whole flow runs through the real
// routes, worker and simulators: connect through OAuth, an expired access token refreshed, a paid
// order synced, a Zoho 401 answered by a refresh, a Zoho validation error quoting the customer, a
// webhook with a bad HMAC, disconnect (revoke). Then the captured text is searched for every token,
// code, secret and email the simulators handed out or the flow used.
import { http, HttpResponse } from "msw";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type * as LoggerModule from "~/logger.server";

const captured = vi.hoisted(() => ({ lines: [] as string[] }));
vi.mock("~/logger.server", async (importOriginal) => {
  const real = await importOriginal<typeof LoggerModule>();
  const logger = real.createLogger({ write: (line: string) => void captured.lines.push(line) });
  logger.level = "trace";
  return { ...real, logger };
});

import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { setQueues, type QueueSet } from "~/queue/queues.server";
import type { RunningWorkers } from "~/queue/workers.server";
import { action as settingsAction } from "~/routes/app.settings";
import { action as ordersPaidAction } from "~/routes/webhooks.orders.paid";
import { listOrganizations } from "~/zoho/connection.server";
import { prisma } from "~/db.server";
import { uniqueShop } from "~test/harness/shop";
import { adminFormPost, installShop } from "~test/harness/shopify-auth";
import { simpleOrder, startTestWorkers, testQueuePrefix, testQueues, waitForStatus } from "~test/helpers/sync-queue";
import { ordersPaidBody, webhookRequest } from "~test/helpers/webhooks";
import { connectZoho, settle } from "~test/helpers/zoho-connect";
import { server } from "~test/harness";
import { addShopifyOrder, shopify, type SimOrder } from "~test/harness/shopify";
import { expireZohoAccessTokens, zohoAccounts, ZOHO_TEST_CLIENT_SECRET } from "~test/harness/zoho-accounts";
import { seedOrganization, zohoBooks } from "~test/harness/zoho-books";

const prefix = testQueuePrefix();
let queues: QueueSet;
let workers: RunningWorkers | undefined;
beforeAll(() => {
  queues = testQueues(prefix);
  setQueues(queues);
});
afterAll(async () => {
  await workers?.close();
  setQueues(undefined);
  await queues.close();
});

const args = (request: Request) => ({ request, params: {}, context: {} });

describe("logs", () => {
  it("a whole flow at level trace logs no token, code, secret, Authorization value or customer email", async () => {
    expect(logger.level).toBe("trace");
    const shop = uniqueShop("logs");
    const shops = new Set([shop]);
    await installShop(shop);
    const org = seedOrganization({ preset: "eu" });
    shopify.shops.set(shop, { ianaTimezone: org.organization.time_zone, currencyCode: org.organization.currency_code });

    // 1. Connect through the real OAuth routes (authorization code, tokens, client secret on the wire).
    const connected = await connectZoho(shop);
    expect(connected.status).toBe(302);
    expect(await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).toMatchObject({ status: "connected" });

    // 2. The access token expired at Zoho: 401, refresh, retry.
    expireZohoAccessTokens();
    await listOrganizations(shop);

    // 3. Paid orders through the webhook and the worker; one meets a Zoho 401 first, one a validation error.
    workers = await startTestWorkers(prefix, shops);
    const emails: string[] = [];
    const send = async (opts: { before?: () => void } = {}) => {
      const order = simpleOrder();
      emails.push(order.email!);
      addShopifyOrder(order as unknown as SimOrder, { shop });
      opts.before?.();
      const res = await settle(() =>
        ordersPaidAction(
          args(
            webhookRequest({ topic: "orders/paid", shop, body: ordersPaidBody(order.legacyResourceId, order.name) }),
          ),
        ),
      );
      expect(res.status).toBe(200);
      return order;
    };
    const plain = await send();
    await waitForStatus(shop, plain.legacyResourceId, "synced");
    const with401 = await send({
      before: () => zohoBooks.inject({ kind: "unauthorized", method: "POST", path: "/invoices" }),
    });
    await waitForStatus(shop, with401.legacyResourceId, "synced");
    const refused = await send({
      before: () =>
        server.use(
          http.post(
            /\/books\/v3\/invoices(\?|$)/,
            // Zoho quotes what it refused; here the customer's email (it ends up in the merchant's UI, not the logs).
            () =>
              HttpResponse.json(
                { code: 4, message: `Invalid value passed for notes: ${emails[emails.length - 1]}` },
                { status: 400 },
              ),
          ),
        ),
    });
    await waitForStatus(shop, refused.legacyResourceId, "needs_attention");
    server.resetHandlers();

    // 4. A forged webhook (its headers carry the shop) and a session-token request.
    await settle(() =>
      ordersPaidAction(
        args(webhookRequest({ topic: "orders/paid", shop, body: ordersPaidBody("1", "#1"), hmac: "Zm9yZ2Vk" })),
      ),
    );

    // 5. Disconnect: the refresh token is revoked at Zoho.
    const disconnected = await settle(async () =>
      settingsAction(args(await adminFormPost(shop, "/app/settings", { intent: "disconnect" }))),
    );
    expect(disconnected.body).toMatchObject({ ok: true });
    await workers.close();
    workers = undefined;

    // Everything secret the flow produced or used.
    const secrets = new Map<string, string>();
    for (const t of zohoAccounts.accessTokens.keys()) secrets.set(t, "Zoho access token");
    for (const t of zohoAccounts.refreshTokens.keys()) secrets.set(t, "Zoho refresh token");
    for (const c of zohoAccounts.codes.keys()) secrets.set(c, "Zoho authorization code");
    for (const t of shopify.accessTokens.keys()) secrets.set(t, "Shopify access token");
    for (const t of shopify.refreshTokens.keys()) secrets.set(t, "Shopify refresh token");
    secrets.set(ZOHO_TEST_CLIENT_SECRET, "Zoho client secret");
    secrets.set(env.SHOPIFY_API_SECRET, "Shopify API secret");
    secrets.set(env.TOKEN_ENCRYPTION_KEY, "encryption key");
    for (const e of emails) secrets.set(e, "customer email");
    expect(zohoAccounts.accessTokens.size).toBeGreaterThanOrEqual(3); // connect + two refreshes
    expect(zohoAccounts.codes.size).toBe(1);

    const text = captured.lines.join("");
    expect(captured.lines.length).toBeGreaterThan(20); // the flow really logged, at debug/trace too
    expect(text).toMatch(/"level":(10|20)/);
    const leaks = [...secrets]
      .filter(([value]) => text.includes(value))
      .map(([value, what]) => {
        const line = captured.lines.find((l) => l.includes(value))!;
        const at = line.indexOf(value);
        return `${what} in: …${line.slice(Math.max(0, at - 300), at + 80)}`;
      });
    expect(leaks).toEqual([]);
    // What was masked is still useful: the validation error is logged with its type, Zoho's code and the rest of its text.
    const refusedLine = captured.lines.find((l) => l.includes('"type":"ZohoValidationError"'));
    expect(refusedLine).toContain("Invalid value passed for notes: [EMAIL]");
    expect(refusedLine).toMatch(/"stack":"ZohoValidationError/);
    for (const pattern of [
      /Zoho-oauthtoken/i,
      /Bearer\s+\S/i,
      /"authorization":"(?!\[REDACTED\])/i,
      /eyJ[A-Za-z0-9_-]{10,}\./,
      /shpat_/,
      /"v1\.[A-Za-z0-9+/=]+\./,
      /client_secret=/i,
      /refresh_token=(?!\[REDACTED\])/i,
    ]) {
      expect(text, String(pattern)).not.toMatch(pattern);
    }
  });
});
