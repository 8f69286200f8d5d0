// The block's logic without a DOM: state → what is rendered, button → request, answers → state.
import { describe, expect, it } from "vitest";
import type { OrderInvoiceView } from "../../../app/sync/order-invoice";
import {
  commandFor,
  initialState,
  MAX_POLLS,
  networkFailure,
  nextPollMs,
  orderIdFromGid,
  parseAnswer,
  POLL_INTERVAL_MS,
  reduce,
  requestFor,
  statusRequest,
  viewModel,
  type ApiResult,
  type BlockState,
  type BlockViewModel,
} from "./block-logic";

const INVOICE = {
  id: "460000000012",
  number: "INV-000123",
  zohoStatus: "draft",
  currencyCode: "EUR",
  shopifyTotal: "44.30",
  zohoTotal: "44.30",
  url: "https://books.zoho.eu/app/20099999#/invoices/460000000012",
};

function order(overrides: Partial<OrderInvoiceView> = {}): OrderInvoiceView {
  return {
    orderId: "5001",
    orderName: "#1001",
    state: "draft",
    invoice: { ...INVOICE },
    orderTotal: { amount: "44.30", currencyCode: "EUR" },
    problem: null,
    syncedAt: "2026-11-20T10:15:00.000Z",
    updatedAt: "2026-11-20T10:15:00.000Z",
    ...overrides,
  };
}

const notSent = () => order({ state: "not_sent", invoice: null, syncedAt: null });
const ready = (o: OrderInvoiceView, extra: Partial<Extract<BlockState, { phase: "ready" }>> = {}): BlockState => ({
  phase: "ready",
  order: o,
  busy: null,
  confirmingDelete: false,
  notice: null,
  polls: 0,
  ...extra,
});
const ok = (o: OrderInvoiceView, message: string | null = null, warning: string | null = null): ApiResult => ({
  kind: "ok",
  order: o,
  message,
  warning,
});

const labels = (vm: BlockViewModel) => vm.buttons.map((b) => b.label);

describe("requests", () => {
  it("reads the order id from shopify.data.selected[0].id", () => {
    expect(orderIdFromGid("gid://shopify/Order/450789469")).toBe("450789469");
    expect(orderIdFromGid("gid://shopify/DraftOrder/1")).toBeNull();
    expect(orderIdFromGid(undefined)).toBeNull();
  });

  it("maps each button to one request on the app backend (relative URL)", () => {
    expect(statusRequest("5001")).toEqual({ method: "GET", path: "/api/orders/5001/invoice" });
    expect(requestFor("create", "5001")).toEqual({ method: "POST", path: "/api/orders/5001/invoice" });
    expect(requestFor("update", "5001")).toEqual({ method: "PUT", path: "/api/orders/5001/invoice" });
    expect(requestFor("delete", "5001")).toEqual({ method: "DELETE", path: "/api/orders/5001/invoice" });
    expect(requestFor("refresh", "5001")).toEqual({ method: "GET", path: "/api/orders/5001/invoice?refresh=1" });
  });

  it("button → command: requests, the delete confirm step, the Zoho link, a reload before any status", () => {
    expect(commandFor("create")).toEqual({ kind: "request", action: "create" });
    expect(commandFor("update")).toEqual({ kind: "request", action: "update" });
    expect(commandFor("ask_delete")).toEqual({ kind: "event", event: { type: "delete_requested" } });
    expect(commandFor("confirm_delete")).toEqual({ kind: "request", action: "delete" });
    expect(commandFor("cancel_delete")).toEqual({ kind: "event", event: { type: "delete_cancelled" } });
    expect(commandFor("open")).toEqual({ kind: "link" });
    expect(commandFor("refresh", ready(order()))).toEqual({ kind: "request", action: "refresh" });
    expect(commandFor("refresh", { phase: "load_failed", message: "x", retrying: false })).toEqual({ kind: "reload" });
  });
});

describe("answers", () => {
  it("a success carries the order and the message or warning", () => {
    const o = order();
    expect(
      parseAnswer(
        201,
        JSON.stringify({ ok: true, order: o, message: "Draft invoice INV-000123 created in Zoho Books." }),
      ),
    ).toEqual(ok(o, "Draft invoice INV-000123 created in Zoho Books."));
    expect(parseAnswer(202, JSON.stringify({ ok: true, order: o, warning: "Sending is paused." }))).toEqual(
      ok(o, null, "Sending is paused."),
    );
  });

  it("a failure carries the backend's reason and the order's state after it", () => {
    const o = order({ state: "sent" });
    const body = {
      ok: false,
      error: { code: "not_draft", message: "Invoice INV-000123 is sent in Zoho Books, not a draft" },
      order: o,
    };
    expect(parseAnswer(409, JSON.stringify(body))).toEqual({
      kind: "failed",
      code: "not_draft",
      message: body.error.message,
      order: o,
    });
  });

  it("an answer that is not ours: an expired session, a proxy error page", () => {
    expect(parseAnswer(401, "")).toMatchObject({
      kind: "failed",
      code: "unauthorized",
      message: expect.stringMatching(/Reload the page/),
    });
    expect(parseAnswer(502, "<html>Bad gateway</html>")).toMatchObject({
      kind: "failed",
      code: "http_502",
      message: expect.stringMatching(/HTTP 502/),
    });
    expect(networkFailure(new TypeError("Failed to fetch"))).toMatchObject({
      kind: "failed",
      code: "network",
      message: expect.stringMatching(/Could not reach.*Failed to fetch/),
    });
  });
});

describe("state changes", () => {
  it("loading → ready with the order; a failed load shows the reason and can be retried", () => {
    expect(initialState("5001")).toEqual({ phase: "loading" });
    expect(initialState(null)).toEqual({ phase: "no_order" });
    expect(reduce({ phase: "loading" }, { type: "loaded", result: ok(order()) })).toEqual(ready(order()));

    const failed = reduce({ phase: "loading" }, { type: "loaded", result: networkFailure(new Error("offline")) });
    expect(failed).toMatchObject({ phase: "load_failed", retrying: false });
    expect(reduce(failed, { type: "load_started" })).toMatchObject({ phase: "load_failed", retrying: true });
  });

  it("an action: busy while it runs, then the answer's order and message", () => {
    const started = reduce(ready(notSent(), { notice: { tone: "success", message: "old" } }), {
      type: "action_started",
      action: "create",
    });
    expect(started).toMatchObject({ busy: "create", notice: null });
    // A second click while busy changes nothing.
    expect(reduce(started, { type: "action_started", action: "update" })).toBe(started);

    const done = reduce(started, {
      type: "action_finished",
      action: "create",
      result: ok(order(), "Draft invoice INV-000123 created in Zoho Books."),
    });
    expect(done).toMatchObject({
      busy: null,
      order: { state: "draft" },
      notice: { tone: "success", message: "Draft invoice INV-000123 created in Zoho Books." },
    });
  });

  it("a refused action shows the reason and the order's new state", () => {
    const errored = order({
      state: "error",
      invoice: null,
      problem: { code: "unknown_tax_rate", message: "No Zoho tax of 17 %", retryable: false },
    });
    const s = reduce(ready(notSent(), { busy: "create" }), {
      type: "action_finished",
      action: "create",
      result: { kind: "failed", code: "unknown_tax_rate", message: "No Zoho tax of 17 %", order: errored },
    });
    expect(s).toMatchObject({
      busy: null,
      order: { state: "error" },
      notice: { tone: "critical", message: "No Zoho tax of 17 %" },
    });
    // Failure without an order (network): the last known order stays.
    const kept = reduce(ready(order(), { busy: "update" }), {
      type: "action_finished",
      action: "update",
      result: networkFailure(new Error("x")),
    });
    expect(kept).toMatchObject({ order: { state: "draft" }, notice: { tone: "critical" } });
  });

  it("Delete asks first; the confirm stays (spinning) until Zoho answered; Cancel goes back", () => {
    let s = reduce(ready(order()), { type: "delete_requested" });
    expect(s).toMatchObject({ confirmingDelete: true });
    expect(reduce(s, { type: "delete_cancelled" })).toMatchObject({ confirmingDelete: false });

    s = reduce(s, { type: "action_started", action: "delete" });
    expect(s).toMatchObject({ busy: "delete", confirmingDelete: true });
    const vm = viewModel(s);
    expect(vm.confirm?.buttons.find((b) => b.action === "confirm_delete")).toMatchObject({
      loading: true,
      disabled: true,
    });

    s = reduce(s, {
      type: "action_finished",
      action: "delete",
      result: ok(notSent(), "Invoice INV-000123 deleted in Zoho Books."),
    });
    expect(s).toMatchObject({ busy: null, confirmingDelete: false, order: { state: "not_sent" } });
  });

  it("polls while queued or sending, 3 s apart, for a bounded time; a failed poll changes nothing", () => {
    const queued = ready(order({ state: "queued", invoice: null }));
    expect(nextPollMs(queued)).toBe(POLL_INTERVAL_MS);
    expect(nextPollMs(ready(order({ state: "sending", invoice: null })))).toBe(POLL_INTERVAL_MS);
    expect(nextPollMs(ready(order()))).toBeNull();
    expect(nextPollMs({ ...queued, busy: "create" } as BlockState)).toBeNull();

    let s = queued;
    for (let i = 0; i < MAX_POLLS; i++)
      s = reduce(s, { type: "loaded", result: ok(order({ state: "queued", invoice: null })), poll: true });
    expect(nextPollMs(s)).toBeNull();
    expect(reduce(queued, { type: "loaded", result: networkFailure(new Error("x")), poll: true })).toBe(queued);
    // Reaching draft ends the polling and resets the counter.
    expect(reduce(s, { type: "loaded", result: ok(order()) })).toMatchObject({ polls: 0, order: { state: "draft" } });
  });
});

describe("what is rendered", () => {
  it("loading and a failed load", () => {
    expect(viewModel({ phase: "loading" })).toMatchObject({ loading: true, badge: null, buttons: [] });
    const failed = viewModel({ phase: "load_failed", message: "Could not reach the Zoho Books app.", retrying: false });
    expect(failed.banners).toEqual([
      {
        tone: "critical",
        heading: "Could not load the Zoho Books status",
        message: "Could not reach the Zoho Books app.",
        dismissible: false,
      },
    ]);
    expect(labels(failed)).toEqual(["Try again"]);
    expect(viewModel({ phase: "no_order" }).banners[0]?.tone).toBe("critical");
  });

  it("not sent: the order total and Create", () => {
    const vm = viewModel(ready(notSent()));
    expect(vm.badge).toEqual({ label: "Not sent", tone: "neutral" });
    expect(vm.summary).toBe("Not sent");
    expect(vm.rows).toEqual([{ label: "Order total", value: "44.30 EUR" }]);
    expect(labels(vm)).toEqual(["Create invoice", "Refresh status"]);
    expect(vm.buttons[0]).toMatchObject({ action: "create", variant: "primary", disabled: false, loading: false });
  });

  it("held order: not sent, with the reason as information", () => {
    const held = notSent();
    held.problem = {
      code: "auto_send_off",
      message: "Not sent: automatic sending was off when this order was paid.",
      retryable: false,
    };
    expect(viewModel(ready(held)).banners).toEqual([
      { tone: "info", heading: null, message: held.problem.message, dismissible: false },
    ]);
  });

  it("draft INV-…: both totals, Update, Delete, Refresh and the Zoho Books link", () => {
    const vm = viewModel(ready(order()));
    expect(vm.badge).toEqual({ label: "Draft", tone: "info" });
    expect(vm.summary).toBe("Draft INV-000123");
    expect(vm.rows).toEqual([
      { label: "Invoice", value: "INV-000123" },
      { label: "Shopify total", value: "44.30 EUR" },
      { label: "Zoho total", value: "44.30 EUR" },
    ]);
    expect(labels(vm)).toEqual(["Update", "Delete", "Refresh status", "Open in Zoho Books"]);
    expect(vm.buttons.find((b) => b.action === "ask_delete")).toMatchObject({ tone: "critical" });
    expect(vm.buttons.find((b) => b.action === "open")).toMatchObject({ href: INVOICE.url });
  });

  it("an invoice in another currency than the customer paid or the organization keeps shows both and the rate", () => {
    const o = order({ state: "draft" });
    o.invoice!.currencyNote = "Customer paid 48.04 USD · 1 EUR = 1 EUR";
    expect(viewModel(ready(o)).rows[3]).toEqual({ label: "Currencies", value: o.invoice!.currencyNote });
    expect(viewModel(ready(order({ state: "draft" }))).rows.map((r) => r.label)).not.toContain("Currencies");
  });

  it("a Zoho total that differs is flagged, with the reason", () => {
    const o = order({
      state: "draft",
      problem: {
        code: "total_mismatch",
        message: "Zoho Books shows 44.31 EUR but the order total is 44.30.",
        retryable: false,
      },
    });
    o.invoice!.zohoTotal = "44.31";
    const vm = viewModel(ready(o));
    expect(vm.rows[2]).toEqual({ label: "Zoho total", value: "44.31 EUR", tone: "critical" });
    expect(vm.banners).toEqual([{ tone: "warning", heading: null, message: o.problem!.message, dismissible: false }]);
  });

  it.each([
    ["sent", "Sent", "success", ["Delete", "Refresh status", "Open in Zoho Books"]],
    ["overdue", "Overdue", "warning", ["Delete", "Refresh status", "Open in Zoho Books"]],
    ["partially_paid", "Partially paid", "caution", ["Refresh status", "Open in Zoho Books"]],
    ["paid", "Paid", "success", ["Refresh status", "Open in Zoho Books"]],
    ["void", "Void", "neutral", ["Delete", "Refresh status", "Open in Zoho Books"]],
  ] as const)("Zoho status %s: badge %s, no Update (not a draft)", (zohoStatus, label, tone, buttons) => {
    const state = zohoStatus === "paid" ? "paid" : zohoStatus === "void" ? "void" : "sent";
    const vm = viewModel(ready(order({ state, invoice: { ...INVOICE, zohoStatus } })));
    expect(vm.badge).toEqual({ label, tone });
    expect(labels(vm)).toEqual(buttons);
  });

  it("queued and sending: say so; Send now only while it waits", () => {
    const queued = viewModel(ready(order({ state: "queued", invoice: null })));
    expect(queued.badge?.label).toBe("Queued");
    expect(labels(queued)).toEqual(["Send now", "Refresh status"]);
    expect(queued.banners.map((b) => b.message)).toContain("Waiting to be sent to Zoho Books.");
    const sending = viewModel(ready(order({ state: "sending", invoice: null })));
    expect(labels(sending)).toEqual(["Refresh status"]);
  });

  it("error: the reason, and Retry; retried-by-itself errors say so", () => {
    const refused = viewModel(
      ready(
        order({
          state: "error",
          invoice: null,
          problem: { code: "unknown_tax_rate", message: "No Zoho tax of 17 %", retryable: false },
        }),
      ),
    );
    expect(refused.badge).toEqual({ label: "Needs attention", tone: "critical" });
    expect(refused.banners).toEqual([
      { tone: "critical", heading: "This order could not be sent", message: "No Zoho tax of 17 %", dismissible: false },
    ]);
    expect(labels(refused)).toEqual(["Retry", "Refresh status"]);

    const transient = viewModel(
      ready(
        order({
          state: "error",
          invoice: null,
          problem: { code: "zoho_unavailable", message: "Zoho Books did not answer", retryable: true },
        }),
      ),
    );
    expect(transient.badge).toEqual({ label: "Retrying", tone: "warning" });
    expect(transient.banners[0]).toMatchObject({
      tone: "warning",
      heading: "Sending failed; the app retries automatically",
    });
  });

  it("a notice from the last action comes first and can be dismissed; the same text is not shown twice", () => {
    const message = "No Zoho tax of 17 %";
    const o = order({
      state: "error",
      invoice: null,
      problem: { code: "unknown_tax_rate", message, retryable: false },
    });
    const vm = viewModel(ready(o, { notice: { tone: "critical", message } }));
    expect(vm.banners).toEqual([{ tone: "critical", heading: null, message, dismissible: true }]);
    expect(reduce(ready(o, { notice: { tone: "critical", message } }), { type: "notice_dismissed" })).toMatchObject({
      notice: null,
    });
  });

  it("while a request runs every button waits and the pressed one spins; the link stays usable", () => {
    const vm = viewModel(ready(order(), { busy: "update" }));
    expect(vm.buttons.filter((b) => b.action !== "open").every((b) => b.disabled)).toBe(true);
    expect(vm.buttons.find((b) => b.action === "update")?.loading).toBe(true);
    expect(vm.buttons.find((b) => b.action === "refresh")?.loading).toBe(false);
    expect(vm.buttons.find((b) => b.action === "open")?.disabled).toBe(false);
  });

  it("the delete confirm step replaces the buttons with a question about this invoice", () => {
    const vm = viewModel(ready(order(), { confirmingDelete: true }));
    expect(vm.buttons).toEqual([]);
    expect(vm.confirm?.question).toMatch(/^Delete invoice INV-000123 in Zoho Books\?/);
    expect(vm.confirm?.buttons.map((b) => [b.action, b.label, b.tone])).toEqual([
      ["confirm_delete", "Delete invoice", "critical"],
      ["cancel_delete", "Cancel", "auto"],
    ]);
  });

  it("no link for a custom Zoho server", () => {
    const vm = viewModel(ready(order({ invoice: { ...INVOICE, url: null } })));
    expect(labels(vm)).not.toContain("Open in Zoho Books");
  });
});

describe("the order's life after its invoice (ADR 019)", () => {
  const life = (lifecycle: OrderInvoiceView["lifecycle"], extra: Partial<OrderInvoiceView> = {}) =>
    viewModel(ready(order({ lifecycle, ...extra })));

  it("says what a sent invoice no longer shows", () => {
    const changeNote = "Changed after the invoice was sent (INV-000123 is sent in Zoho Books): Cookbook removed.";
    const vm = life(
      { cancelled: false, pendingChange: null, changeNote },
      { state: "sent", invoice: { ...INVOICE, zohoStatus: "sent" } },
    );
    expect(vm.banners).toContainEqual({
      tone: "warning",
      heading: "Order changed",
      message: changeNote,
      dismissible: false,
    });
  });

  it("shows a change being applied, and polls until it is", () => {
    const state = ready(order({ lifecycle: { cancelled: true, pendingChange: "cancel", changeNote: null } }));
    expect(viewModel(state).banners.map((b) => b.message)).toEqual([
      "The order was cancelled; its invoice is being voided in Zoho Books…",
    ]);
    expect(nextPollMs(state)).toBe(POLL_INTERVAL_MS);
  });

  it("tells a cancelled order's void invoice apart from one voided by hand", () => {
    const voidInvoice = { state: "void" as const, invoice: { ...INVOICE, zohoStatus: "void" } };
    expect(life({ cancelled: true, pendingChange: null, changeNote: null }, voidInvoice).banners).toHaveLength(1);
    expect(life({ cancelled: false, pendingChange: null, changeNote: null }, voidInvoice).banners).toEqual([]);
    expect(
      nextPollMs(ready(order({ lifecycle: { cancelled: false, pendingChange: null, changeNote: null } }))),
    ).toBeNull();
  });
});

describe("credit notes of the order's refunds (ADR 022)", () => {
  const note = (over: Partial<NonNullable<OrderInvoiceView["creditNotes"]>[number]> = {}) => ({
    refundId: "9001",
    status: "synced" as const,
    number: "CN-00001",
    zohoStatus: "closed",
    total: "19.90",
    applied: "19.90",
    currencyCode: "EUR",
    problem: null,
    summary: "",
    ...over,
  });

  it("lists each credit note with its number, amount and whether the credit is applied", () => {
    const vm = viewModel(
      ready(
        order({
          creditNotes: [
            note({ summary: "CN-00001 · 19.90 EUR · applied" }),
            note({ refundId: "9004", status: "needs_attention", summary: "Not recorded — needs attention" }),
          ],
          payments: [
            { transactionId: "77", status: "synced", summary: "39.80 EUR · paypal · Zoho payment 12", problem: null },
          ],
        }),
      ),
    );
    expect(vm.rows.filter((r) => r.label === "Credit note")).toEqual([
      { label: "Credit note", value: "CN-00001 · 19.90 EUR · applied" },
      { label: "Credit note", value: "Not recorded — needs attention", tone: "critical" },
    ]);
    expect(vm.rows.filter((r) => r.label === "Payment")).toEqual([
      { label: "Payment", value: "39.80 EUR · paypal · Zoho payment 12" },
    ]);
  });
});
