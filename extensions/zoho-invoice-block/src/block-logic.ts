// Everything the Zoho Books block decides, as plain functions: which request a button sends, how an
// answer changes the block's state, and what the state looks like (badge, lines, banners, buttons).
// No Preact, no DOM, no `shopify` global here, so vitest covers it directly; BlockExtension.tsx only
// renders `viewModel(state)` and feeds events back into `reduce`.
//
// The backend is app/routes/api.orders.$id.invoice.ts; its JSON shapes are imported as types only
// (erased by the bundler), so no server code reaches the extension bundle.
import type { InvoiceApiResponse, OrderInvoiceView } from "../../../app/sync/order-invoice";

export type BlockAction = "create" | "update" | "delete" | "refresh";

export interface ApiRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Relative: Shopify resolves it against the app's application_url and adds the ID token. */
  path: string;
}

/** "gid://shopify/Order/450789469" (shopify.data.selected[0].id) → "450789469". */
export function orderIdFromGid(gid: string | undefined | null): string | null {
  const match = /^gid:\/\/shopify\/Order\/(\d{1,20})$/.exec(gid ?? "");
  return match?.[1] ?? null;
}

export function statusRequest(orderId: string): ApiRequest {
  return { method: "GET", path: `/api/orders/${orderId}/invoice` };
}

/** Button → request. Refresh asks the backend to re-read the invoice from Zoho Books. */
export function requestFor(action: BlockAction, orderId: string): ApiRequest {
  const path = `/api/orders/${orderId}/invoice`;
  switch (action) {
    case "create":
      return { method: "POST", path };
    case "update":
      return { method: "PUT", path };
    case "delete":
      return { method: "DELETE", path };
    case "refresh":
      return { method: "GET", path: `${path}?refresh=1` };
  }
}

// ---- answers ---------------------------------------------------------------------------------------

export type ApiResult =
  | { kind: "ok"; order: OrderInvoiceView; message: string | null; warning: string | null }
  | { kind: "failed"; message: string; code: string; order: OrderInvoiceView | null };

/** An HTTP answer (status + body text) → what the block needs; never throws. */
export function parseAnswer(status: number, bodyText: string): ApiResult {
  let body: InvoiceApiResponse | null = null;
  try {
    body = JSON.parse(bodyText) as InvoiceApiResponse;
  } catch {
    body = null;
  }
  if (body && typeof body === "object" && "ok" in body) {
    if (body.ok && body.order)
      return { kind: "ok", order: body.order, message: body.message ?? null, warning: body.warning ?? null };
    if (!body.ok && body.error)
      return { kind: "failed", message: body.error.message, code: body.error.code, order: body.order ?? null };
  }
  if (status === 401)
    return {
      kind: "failed",
      code: "unauthorized",
      message: "Your Shopify session has expired. Reload the page and try again.",
      order: null,
    };
  return {
    kind: "failed",
    code: `http_${status}`,
    message: `The Zoho Books app did not answer as expected (HTTP ${status}). Try again in a minute.`,
    order: null,
  };
}

/** fetch() itself failed (offline, DNS, CORS). */
export function networkFailure(err: unknown): ApiResult {
  const detail = err instanceof Error && err.message ? ` (${err.message})` : "";
  return {
    kind: "failed",
    code: "network",
    message: `Could not reach the Zoho Books app${detail}. Check your connection and try again.`,
    order: null,
  };
}

// ---- state -----------------------------------------------------------------------------------------

export interface Notice {
  tone: "success" | "warning" | "critical";
  message: string;
}

export type BlockState =
  | { phase: "no_order" }
  | { phase: "loading" }
  | { phase: "load_failed"; message: string; retrying: boolean }
  | {
      phase: "ready";
      order: OrderInvoiceView;
      busy: BlockAction | null;
      confirmingDelete: boolean;
      notice: Notice | null;
      polls: number;
    };

export type BlockEvent =
  | { type: "load_started" }
  | { type: "loaded"; result: ApiResult; poll?: boolean }
  | { type: "action_started"; action: BlockAction }
  | { type: "action_finished"; action: BlockAction; result: ApiResult }
  | { type: "delete_requested" }
  | { type: "delete_cancelled" }
  | { type: "notice_dismissed" };

export const initialState = (orderId: string | null): BlockState =>
  orderId ? { phase: "loading" } : { phase: "no_order" };

function noticeOf(result: Extract<ApiResult, { kind: "ok" }>): Notice | null {
  if (result.warning) return { tone: "warning", message: result.warning };
  if (result.message) return { tone: "success", message: result.message };
  return null;
}

export function reduce(state: BlockState, event: BlockEvent): BlockState {
  switch (event.type) {
    case "load_started":
      if (state.phase === "load_failed") return { ...state, retrying: true };
      return state.phase === "ready" ? state : { phase: "loading" };
    case "loaded": {
      const { result } = event;
      if (state.phase === "ready") {
        // A background poll or reload: keep what the person is doing (a confirm step, a notice).
        if (result.kind === "failed")
          return event.poll ? state : { ...state, notice: { tone: "critical", message: result.message } };
        return { ...state, order: result.order, polls: event.poll ? state.polls + 1 : 0 };
      }
      if (result.kind === "failed") return { phase: "load_failed", message: result.message, retrying: false };
      return {
        phase: "ready",
        order: result.order,
        busy: null,
        confirmingDelete: false,
        notice: noticeOf(result),
        polls: 0,
      };
    }
    case "action_started":
      if (state.phase !== "ready" || state.busy) return state;
      // Delete keeps its confirm step on screen, with its button spinning, until Zoho answers.
      return {
        ...state,
        busy: event.action,
        confirmingDelete: event.action === "delete" && state.confirmingDelete,
        notice: null,
      };
    case "action_finished": {
      if (state.phase !== "ready") return state;
      const { result } = event;
      const done = { ...state, busy: null, confirmingDelete: false, polls: 0 };
      if (result.kind === "ok") return { ...done, order: result.order, notice: noticeOf(result) };
      return { ...done, order: result.order ?? state.order, notice: { tone: "critical", message: result.message } };
    }
    case "delete_requested":
      return state.phase === "ready" && !state.busy ? { ...state, confirmingDelete: true, notice: null } : state;
    case "delete_cancelled":
      return state.phase === "ready" ? { ...state, confirmingDelete: false } : state;
    case "notice_dismissed":
      return state.phase === "ready" ? { ...state, notice: null } : state;
  }
}

/** While the order waits or is being sent, the block looks again: 3 s apart, for about a minute. */
export const POLL_INTERVAL_MS = 3_000;
export const MAX_POLLS = 20;

export function nextPollMs(state: BlockState): number | null {
  if (state.phase !== "ready" || state.busy || state.polls >= MAX_POLLS) return null;
  const { order } = state;
  const waiting = order.state === "queued" || order.state === "sending" || Boolean(order.lifecycle?.pendingChange);
  return waiting ? POLL_INTERVAL_MS : null;
}

// ---- what is rendered ------------------------------------------------------------------------------

export type BadgeTone = "neutral" | "info" | "success" | "caution" | "warning" | "critical";

export interface ButtonModel {
  /** `open` is a link to Zoho Books; `confirm_delete` / `cancel_delete` belong to the confirm step. */
  action: BlockAction | "open" | "ask_delete" | "confirm_delete" | "cancel_delete";
  label: string;
  variant: "primary" | "secondary" | "tertiary";
  tone: "auto" | "critical";
  loading: boolean;
  disabled: boolean;
  href?: string;
}

export interface BannerModel {
  tone: "info" | "success" | "warning" | "critical";
  heading: string | null;
  message: string;
  dismissible: boolean;
}

export interface BlockViewModel {
  heading: string;
  /** One line for the collapsed block. */
  summary: string;
  badge: { label: string; tone: BadgeTone } | null;
  loading: boolean;
  /** Label → value rows (invoice number, totals). */
  rows: Array<{ label: string; value: string; tone?: "critical" }>;
  banners: BannerModel[];
  buttons: ButtonModel[];
  /** The confirm step of Delete replaces the buttons with its own question and two buttons. */
  confirm: { question: string; buttons: ButtonModel[] } | null;
}

const HEADING = "Zoho Books";

const ZOHO_STATUS_LABEL: Record<string, { label: string; tone: BadgeTone }> = {
  draft: { label: "Draft", tone: "info" },
  sent: { label: "Sent", tone: "success" },
  viewed: { label: "Viewed", tone: "success" },
  unpaid: { label: "Unpaid", tone: "caution" },
  overdue: { label: "Overdue", tone: "warning" },
  partially_paid: { label: "Partially paid", tone: "caution" },
  paid: { label: "Paid", tone: "success" },
  void: { label: "Void", tone: "neutral" },
};

function badgeOf(order: OrderInvoiceView): { label: string; tone: BadgeTone } {
  switch (order.state) {
    case "not_sent":
      return { label: "Not sent", tone: "neutral" };
    case "queued":
      return { label: "Queued", tone: "info" };
    case "sending":
      return { label: "Sending", tone: "info" };
    case "error":
      return order.problem?.retryable
        ? { label: "Retrying", tone: "warning" }
        : { label: "Needs attention", tone: "critical" };
    default: {
      const status = order.invoice?.zohoStatus ?? order.state;
      return ZOHO_STATUS_LABEL[status] ?? { label: status.replace(/_/g, " "), tone: "neutral" };
    }
  }
}

const money = (amount: string | null | undefined, currency: string | null | undefined) =>
  amount ? `${amount} ${currency ?? ""}`.trim() : "—";

export type ButtonAction = ButtonModel["action"];

/**
 * What pressing a button does: send a request, load the status again (the block has none yet),
 * change the block's state only, or follow its link.
 */
export type Command =
  | { kind: "request"; action: BlockAction }
  | { kind: "reload" }
  | { kind: "event"; event: BlockEvent }
  | { kind: "link" };

export function commandFor(action: ButtonAction, state?: BlockState): Command {
  switch (action) {
    case "refresh":
      return state && state.phase !== "ready" ? { kind: "reload" } : { kind: "request", action };
    case "create":
    case "update":
      return { kind: "request", action };
    case "delete":
    case "confirm_delete":
      return { kind: "request", action: "delete" };
    case "ask_delete":
      return { kind: "event", event: { type: "delete_requested" } };
    case "cancel_delete":
      return { kind: "event", event: { type: "delete_cancelled" } };
    case "open":
      return { kind: "link" };
  }
}

function button(
  action: ButtonAction,
  label: string,
  busy: BlockAction | null,
  extra: Partial<ButtonModel> = {},
): ButtonModel {
  const command = commandFor(action);
  return {
    action,
    label,
    variant: "secondary",
    tone: "auto",
    loading: busy !== null && command.kind === "request" && command.action === busy,
    // One request at a time: every button waits for the running one.
    disabled: busy !== null,
    ...extra,
  };
}

export function viewModel(state: BlockState): BlockViewModel {
  const base = { heading: HEADING, rows: [], banners: [], buttons: [], confirm: null };
  switch (state.phase) {
    case "no_order":
      return {
        ...base,
        summary: "No order selected",
        badge: null,
        loading: false,
        banners: [
          {
            tone: "critical",
            heading: null,
            message: "This block needs an order to show its Zoho Books invoice.",
            dismissible: false,
          },
        ],
      };
    case "loading":
      return { ...base, summary: "Loading…", badge: null, loading: true };
    case "load_failed":
      return {
        ...base,
        summary: "Status unavailable",
        badge: null,
        loading: false,
        banners: [
          {
            tone: "critical",
            heading: "Could not load the Zoho Books status",
            message: state.message,
            dismissible: false,
          },
        ],
        buttons: [button("refresh", "Try again", state.retrying ? "refresh" : null, { variant: "primary" })],
      };
    case "ready":
      return readyModel(state);
  }
}

/** The order changed after its invoice (ADR 019): being applied, cancelled, or what a sent invoice no longer shows. */
function lifecycleBanners(order: OrderInvoiceView): BannerModel[] {
  const life = order.lifecycle;
  if (!life) return [];
  const banners: BannerModel[] = [];
  if (life.pendingChange)
    banners.push({
      tone: "info",
      heading: null,
      message:
        life.pendingChange === "cancel"
          ? "The order was cancelled; its invoice is being voided in Zoho Books…"
          : "The order was edited; its invoice is being brought up to date…",
      dismissible: false,
    });
  else if (life.cancelled && order.state === "void")
    banners.push({
      tone: "info",
      heading: null,
      message: "The order was cancelled in Shopify; its invoice is void in Zoho Books.",
      dismissible: false,
    });
  if (life.changeNote)
    banners.push({ tone: "warning", heading: "Order changed", message: life.changeNote, dismissible: false });
  return banners;
}

function readyModel(state: Extract<BlockState, { phase: "ready" }>): BlockViewModel {
  const { order, busy } = state;
  const invoice = order.invoice;
  const badge = badgeOf(order);
  const rows: BlockViewModel["rows"] = [];
  const banners: BannerModel[] = [];
  const buttons: ButtonModel[] = [];

  if (invoice) {
    rows.push({ label: "Invoice", value: invoice.number });
    rows.push({ label: "Shopify total", value: money(invoice.shopifyTotal, invoice.currencyCode) });
    const mismatch =
      invoice.shopifyTotal !== null && invoice.zohoTotal !== null && invoice.shopifyTotal !== invoice.zohoTotal;
    rows.push({
      label: "Zoho total",
      value: money(invoice.zohoTotal, invoice.currencyCode),
      ...(mismatch ? { tone: "critical" as const } : {}),
    });
    // Customer paid in another currency than booked, and the rate to the organization's (ADR 020).
    if (invoice.currencyNote) rows.push({ label: "Currencies", value: invoice.currencyNote });
  } else if (order.orderTotal) {
    rows.push({ label: "Order total", value: money(order.orderTotal.amount, order.orderTotal.currencyCode) });
  }
  // Each refund's credit note (ADR 022): number, amount and whether the credit is applied.
  for (const note of order.creditNotes ?? [])
    rows.push({
      label: "Credit note",
      value: note.summary,
      ...(note.status === "needs_attention" ? { tone: "critical" as const } : {}),
    });
  // Payments recorded in Zoho (Settings › Payments).
  for (const payment of order.payments ?? [])
    rows.push({
      label: "Payment",
      value: payment.summary,
      ...(payment.status === "needs_attention" ? { tone: "critical" as const } : {}),
    });

  if (state.notice)
    banners.push({ tone: state.notice.tone, heading: null, message: state.notice.message, dismissible: true });
  if (order.problem && !(state.notice && state.notice.message === order.problem.message)) {
    const tone =
      order.state === "error" && !order.problem.retryable
        ? "critical"
        : order.state === "not_sent"
          ? "info"
          : "warning";
    const heading =
      order.state === "error"
        ? order.problem.retryable
          ? "Sending failed; the app retries automatically"
          : "This order could not be sent"
        : null;
    banners.push({ tone, heading, message: order.problem.message, dismissible: false });
  }
  banners.push(...lifecycleBanners(order));
  if (order.state === "queued")
    banners.push({ tone: "info", heading: null, message: "Waiting to be sent to Zoho Books.", dismissible: false });
  if (order.state === "sending")
    banners.push({ tone: "info", heading: null, message: "Being sent to Zoho Books…", dismissible: false });

  const zohoStatus = invoice?.zohoStatus ?? null;
  switch (order.state) {
    case "not_sent":
      buttons.push(button("create", "Create invoice", busy, { variant: "primary" }));
      break;
    case "queued":
      buttons.push(button("create", "Send now", busy, { variant: "primary" }));
      break;
    case "error":
      buttons.push(button("create", "Retry", busy, { variant: "primary" }));
      break;
    case "draft":
      buttons.push(button("update", "Update", busy, { variant: "primary" }));
      break;
    default:
      break;
  }
  // Zoho refuses to delete an invoice with payments, so the button is not offered then.
  if (invoice && order.state !== "sending" && zohoStatus !== "paid" && zohoStatus !== "partially_paid")
    buttons.push(button("ask_delete", "Delete", busy, { variant: "tertiary", tone: "critical" }));
  buttons.push(button("refresh", "Refresh status", busy, { variant: "tertiary" }));
  if (invoice?.url)
    buttons.push(
      button("open", "Open in Zoho Books", null, { variant: "tertiary", href: invoice.url, disabled: false }),
    );

  const confirm =
    state.confirmingDelete && invoice
      ? {
          question: `Delete invoice ${invoice.number} in Zoho Books? This cannot be undone; you can create a new invoice for this order afterwards.`,
          buttons: [
            button("confirm_delete", "Delete invoice", busy, { variant: "primary", tone: "critical" }),
            button("cancel_delete", "Cancel", busy),
          ],
        }
      : null;

  const summary = invoice ? `${badge.label} ${invoice.number}` : badge.label;
  return { heading: HEADING, summary, badge, loading: false, rows, banners, buttons: confirm ? [] : buttons, confirm };
}
