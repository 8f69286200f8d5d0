// Shared pieces of the process-level fault tests: the simulator server in the test process, shops
// whose Zoho connection points at it, the children's environment, and HTTP that bypasses the test
// process's own msw (which refuses any request without a handler).
import { bypass } from "msw";
import { encryptSecret } from "~/crypto.server";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { queueShop } from "~test/helpers/sync-queue";
import { baseEnv, ordersPaidPayload, signedWebhookRequest } from "~test/harness/processes";
import { issueTokensFor } from "~test/harness/zoho-accounts";
import { zohoBooks } from "~test/harness/zoho-books";
import type { PaidOrder } from "~/sync/mapping";
import type { SimServer } from "~test/harness/sim-server";

/** fetch() to a local server (the app child, the simulator server) past this process's msw. */
export function localFetch(url: string, init?: RequestInit): Promise<Response> {
  return fetch(bypass(url, init));
}

/** The environment of a worker or app child using `sim` for Zoho and Shopify. */
export function childEnv(
  sim: SimServer,
  overrides: { REDIS_PREFIX: string; REDIS_URL?: string },
): Record<string, string | undefined> {
  return baseEnv({ ...sim.env, LOG_LEVEL: process.env.CHILD_LOG_LEVEL ?? "warn", ...overrides });
}

/**
 * A connected shop (test/helpers/sync-queue `queueShop`) whose Zoho connection lives on the simulator
 * server: tokens issued by its accounts server, API domain = its origin (what the OAuth flow stores
 * when ZOHO_ACCOUNTS_URL / ZOHO_API_URL point there).
 */
export async function simServerShop(sim: SimServer, shops: Set<string>, label = "p") {
  sim.register();
  const s = await queueShop(shops, label);
  const tokens = issueTokensFor({ accountsServer: sim.origin });
  await prisma.zohoConnection.update({
    where: { shop: s.shop },
    data: {
      dataCenter: "custom",
      accountsServer: tokens.accountsServer,
      apiDomain: tokens.apiDomain,
      refreshTokenEnc: encryptSecret(tokens.refreshToken),
      accessTokenEnc: encryptSecret(tokens.accessToken),
      accessTokenExpiresAt: tokens.expiresAt,
    },
  });
  return s;
}

/** POSTs a signed orders/paid webhook to the app child; returns the status and how long it took. */
export async function deliverOrdersPaid(
  appUrl: string,
  shop: string,
  order: PaidOrder,
  ids: { webhookId?: string; eventId?: string } = {},
) {
  const { url, init } = signedWebhookRequest({
    appUrl,
    shop,
    topic: "orders/paid",
    body: ordersPaidPayload(order),
    secret: env.SHOPIFY_API_SECRET,
    ...ids,
  });
  const started = performance.now();
  const res = await localFetch(url, init);
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
}

/** Zoho Books invoices of one organization carrying `reference` (the order name). */
export function invoicesWithReference(organizationId: string, reference: string): number {
  return [...zohoBooks.org(organizationId).invoices.values()].filter((i) => i.input.reference_number === reference)
    .length;
}

/** POST /invoices requests the simulator received for one organization. */
export function invoicePosts(organizationId: string): number {
  return zohoBooks.requests.filter(
    (r) => r.method === "POST" && r.template === "/invoices" && r.organizationId === organizationId,
  ).length;
}
