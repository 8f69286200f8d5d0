// Hostile values in every field a merchant (or anyone holding a merchant's session) can edit: the
// Settings actions, the Orders filters/search/cursors and actions (send, backfill range, backfill ids),
// the Activity filters and the block API's id and query. Each answers a clear 4xx or handles the value
// harmlessly — never a 500 — the tables stay intact, and nothing of the shop or another shop changes.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";

import * as apiInvoice from "~/routes/api.orders.$id.invoice";
import * as activity from "~/routes/app.activity";
import * as orders from "~/routes/app.orders";
import * as settings from "~/routes/app.settings";
import { queueShop, simpleOrder, withTestQueues } from "~test/helpers/sync-queue";
import { adminFetchRequest } from "~test/harness/shopify-auth";
import { settle } from "~test/helpers/zoho-connect";
import { zohoBooks } from "~test/harness/zoho-books";
import { expectTablesIntact, storedState, type StoredState } from "./state";

const { queues } = withTestQueues({ appDefault: true });

const MB = "A".repeat(1024 * 1024);
const HOSTILE: Record<string, string> = {
  "sql or": "' OR 1=1 --",
  "sql drop": `"; DROP TABLE "OrderSync"; --`,
  "sql union": '1 UNION SELECT "accessTokenEnc" FROM "ZohoConnection"--',
  "1 MB": MB,
  unicode: "Ünïcødé 🧾 ‮gnp.exe שלום 𝔘 e\u0301",
  "NUL byte": "12\u000034",
  "control chars": "\u0001\u0007\u001b[31m\r\n",
  "like wildcards": "%_%\\",
  json: '{"$ne":null}',
  html: "<script>alert(1)</script>",
  path: "../../etc/passwd",
};

/** What must not change: every row (connection minus "last seen working"), every job, Zoho writes. */
function comparable(s: StoredState) {
  const connections = (s.rows.connections as Array<Record<string, unknown>>).map(
    ({ lastSuccessAt: _l, updatedAt: _u, ...rest }) => rest,
  );
  const zohoWrites = Object.entries(s.zoho.books).filter(([k]) => !k.startsWith("GET "));
  return { rows: { ...s.rows, connections }, jobs: s.jobs, zohoWrites };
}

async function shopWithData(label: string) {
  const s = await queueShop(new Set(), label);
  const orderId = s.addOrder(simpleOrder());
  await prisma.orderSync.createMany({
    data: [
      { shop: s.shop, orderId, orderName: "#1001", status: "synced", zohoInvoiceId: "77", zohoInvoiceNumber: "INV-77" },
      {
        shop: s.shop,
        orderId: "5550001",
        orderName: "#1002",
        status: "failed",
        lastErrorMessage: "Zoho did not answer",
      },
    ],
  });
  await prisma.syncEvent.create({
    data: { shop: s.shop, orderId, kind: "synced", message: "Invoice INV-77 created." },
  });
  const backfill = await prisma.backfill.create({
    data: {
      shop: s.shop,
      from: new Date("2026-10-01T00:00:00Z"),
      to: new Date("2026-10-02T00:00:00Z"),
      fromDate: "2026-10-01",
      toDate: "2026-10-01",
      status: "completed",
    },
  });
  return { ...s, orderId, backfillId: backfill.id };
}

type Target = { name: string; run: (value: string) => Promise<{ status: number; body: unknown }> };

function targets(shop: string, otherBackfillId: string): Target[] {
  const get =
    (module: { loader: (a: never) => Promise<unknown> }, path: (v: string) => string) => async (v: string) => {
      const request = await adminFetchRequest(shop, path(encodeURIComponent(v)));
      return settle(() => (module.loader as (a: unknown) => Promise<unknown>)({ request, params: {}, context: {} }));
    };
  const post =
    (
      module: { action: (a: never) => Promise<unknown> },
      path: string,
      fields: (v: string) => Array<[string, string]>,
    ) =>
    async (v: string) => {
      const request = await adminFetchRequest(shop, path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields(v)).toString(),
      });
      return settle(() => (module.action as (a: unknown) => Promise<unknown>)({ request, params: {}, context: {} }));
    };
  const block = (method: "GET" | "POST" | "PUT" | "DELETE") => async (v: string) => {
    const request = await adminFetchRequest(
      shop,
      `/api/orders/${encodeURIComponent(v)}/invoice?refresh=${encodeURIComponent(v)}`,
      {
        method,
        ...(method === "GET"
          ? {}
          : { headers: { "content-type": "application/json" }, body: JSON.stringify({ orderId: v, note: v }) }),
      },
    );
    const fn = (method === "GET" ? apiInvoice.loader : apiInvoice.action) as (a: unknown) => Promise<unknown>;
    return settle(() => fn({ request, params: { id: v }, context: {} }));
  };
  return [
    { name: "settings intent", run: post(settings, "/app/settings", (v) => [["intent", v]]) },
    {
      name: "settings data center",
      run: post(settings, "/app/settings", (v) => [
        ["intent", "connect"],
        ["dataCenter", v],
      ]),
    },
    {
      name: "settings organization id",
      run: post(settings, "/app/settings", (v) => [
        ["intent", "selectOrganization"],
        ["organizationId", v],
      ]),
    },
    {
      name: "settings auto-send",
      run: post(settings, "/app/settings", (v) => [
        ["intent", "setAutoSend"],
        ["autoSend", v],
      ]),
    },
    {
      name: "settings print order note",
      run: post(settings, "/app/settings", (v) => [
        ["intent", "setPrintOrderNote"],
        ["printOrderNote", v],
      ]),
    },
    {
      name: "settings tax mapping",
      run: post(settings, "/app/settings", (v) => [
        ["intent", "setTaxMapping"],
        ["shopifyTaxes", v],
        ["zohoTaxId", v],
      ]),
    },
    {
      name: "settings tag orders",
      run: post(settings, "/app/settings", (v) => [
        ["intent", "setTagOrders"],
        ["tagOrders", v],
      ]),
    },
    { name: "settings connect_error", run: get(settings, (v) => `/app/settings?connect_error=${v}`) },
    { name: "orders search", run: get(orders, (v) => `/app/orders?q=${v}`) },
    { name: "orders status tab", run: get(orders, (v) => `/app/orders?status=${v}`) },
    { name: "orders received", run: get(orders, (v) => `/app/orders?received=${v}`) },
    { name: "orders cursors", run: get(orders, (v) => `/app/orders?after=${v}&before=${v}`) },
    {
      name: "orders cursor of the value",
      run: get(
        orders,
        (v) =>
          `/app/orders?after=${encodeURIComponent(Buffer.from(`2026-01-01T00:00:00Z|${v}`).toString("base64url"))}`,
      ),
    },
    { name: "orders intent", run: post(orders, "/app/orders", (v) => [["intent", v]]) },
    {
      name: "orders send ids",
      run: post(orders, "/app/orders", (v) => [
        ["intent", "send"],
        ["orderId", v],
        ["orderId", `5550001${v}`],
      ]),
    },
    {
      name: "orders retry id",
      run: post(orders, "/app/orders", (v) => [
        ["intent", "retry"],
        ["orderId", v],
      ]),
    },
    {
      name: "backfill from",
      run: post(orders, "/app/orders", (v) => [
        ["intent", "startBackfill"],
        ["from", v],
        ["to", "2026-10-02"],
      ]),
    },
    {
      name: "backfill to",
      run: post(orders, "/app/orders", (v) => [
        ["intent", "startBackfill"],
        ["from", "2026-10-01"],
        ["to", v],
      ]),
    },
    {
      name: "backfill resume id",
      run: post(orders, "/app/orders", (v) => [
        ["intent", "resumeBackfill"],
        ["backfillId", v],
      ]),
    },
    {
      name: "backfill cancel id",
      run: post(orders, "/app/orders", (v) => [
        ["intent", "cancelBackfill"],
        ["backfillId", v],
      ]),
    },
    {
      name: "backfill cancel other shop id + value",
      run: post(orders, "/app/orders", (v) => [
        ["intent", "cancelBackfill"],
        ["backfillId", `${otherBackfillId}${v}`],
      ]),
    },
    { name: "activity order", run: get(activity, (v) => `/app/activity?order=${v}`) },
    { name: "activity kind", run: get(activity, (v) => `/app/activity?kind=${v}`) },
    { name: "activity cursors", run: get(activity, (v) => `/app/activity?after=${v}&before=${v}`) },
    { name: "block GET", run: block("GET") },
    { name: "block POST", run: block("POST") },
    { name: "block PUT", run: block("PUT") },
    { name: "block DELETE", run: block("DELETE") },
  ];
}

describe("hostile input in every merchant-editable field", () => {
  it("never a 500; tables intact; nothing of this shop or another shop changes", async () => {
    const me = await shopWithData("me");
    const other = await shopWithData("other");
    const before = comparable(await storedState([me.shop, other.shop], queues));
    const failures: string[] = [];

    for (const target of targets(me.shop, other.backfillId)) {
      for (const [label, value] of Object.entries(HOSTILE)) {
        const what = `${target.name} ← ${label}`;
        // A thrown error is what Remix answers with a 500.
        const res = await target.run(value).catch((err: unknown) => ({
          status: 500,
          body: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        }));
        if (res.status >= 500) failures.push(`${what}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        // Refusals say why, in our words: no database error text, no stack.
        const text = JSON.stringify(res.body ?? "");
        if (/prisma|postgres|invalid byte sequence|at Object\.|\.ts:\d+/i.test(text))
          failures.push(`${what}: leaks internals: ${text.slice(0, 200)}`);
        if (text.includes("INV-77") && !target.name.startsWith("orders") && !target.name.startsWith("activity"))
          failures.push(`${what}: shows an invoice`);
      }
    }
    expect(failures).toEqual([]);
    await expectTablesIntact();
    expect(comparable(await storedState([me.shop, other.shop], queues))).toEqual(before);
    expect(
      zohoBooks.count("POST /invoices") +
        zohoBooks.count("PUT /invoices/{id}") +
        zohoBooks.count("DELETE /invoices/{id}"),
    ).toBe(0);
  });

  it("a search for the other shop's order name or id shows only this shop's rows", async () => {
    const me = await shopWithData("mine");
    const other = await shopWithData("theirs");
    await prisma.orderSync.update({
      where: { shop_orderId: { shop: other.shop, orderId: other.orderId } },
      data: { orderName: "#THEIRS-1" },
    });

    for (const q of ["#THEIRS-1", "THEIRS", other.orderId, `${other.orderId}' OR shop <> '${me.shop}`]) {
      const list = await settle(async () =>
        orders.loader({
          request: await adminFetchRequest(me.shop, `/app/orders?q=${encodeURIComponent(q)}`),
          params: {},
          context: {},
        }),
      );
      expect(list.status).toBe(200);
      expect((list.body as { orders: unknown[] }).orders).toEqual([]);
      const log = await settle(async () =>
        activity.loader({
          request: await adminFetchRequest(me.shop, `/app/activity?order=${encodeURIComponent(q)}`),
          params: {},
          context: {},
        }),
      );
      expect(log.status).toBe(200);
      expect((log.body as { events: unknown[] }).events).toEqual([]);
    }
  });
});
