/** @jsxImportSource preact */
// The Zoho Books block on the order details page (target admin.order-details.block.render).
// Rendering only: every decision (requests, state changes, badge, banners, buttons) lives in
// block-logic.ts. fetch() to a relative path goes to the app's application_url, and Shopify adds
// `Authorization: Bearer <ID token>` to it (the backend verifies it with authenticate.admin).
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useCallback, useEffect, useReducer } from "preact/hooks";
import {
  commandFor,
  initialState,
  networkFailure,
  nextPollMs,
  orderIdFromGid,
  parseAnswer,
  reduce,
  requestFor,
  statusRequest,
  viewModel,
  type ApiRequest,
  type ApiResult,
  type BlockAction,
  type ButtonModel,
} from "./block-logic";

export default async () => {
  render(<ZohoInvoiceBlock />, document.body);
};

async function send(request: ApiRequest): Promise<ApiResult> {
  try {
    const res = await fetch(request.path, { method: request.method, headers: { Accept: "application/json" } });
    return parseAnswer(res.status, await res.text());
  } catch (err) {
    return networkFailure(err);
  }
}

function ZohoInvoiceBlock() {
  const orderId = orderIdFromGid(shopify.data.selected[0]?.id);
  const [state, dispatch] = useReducer(reduce, orderId, initialState);

  const load = useCallback(
    async (poll = false) => {
      if (!orderId) return;
      if (!poll) dispatch({ type: "load_started" });
      dispatch({ type: "loaded", result: await send(statusRequest(orderId)), poll });
    },
    [orderId],
  );

  const run = useCallback(
    async (action: BlockAction) => {
      if (!orderId) return;
      dispatch({ type: "action_started", action });
      dispatch({ type: "action_finished", action, result: await send(requestFor(action, orderId)) });
    },
    [orderId],
  );

  useEffect(() => {
    void load();
  }, [load]);

  // Queued or sending: look again shortly (the state object changes after every poll).
  const pollMs = nextPollMs(state);
  useEffect(() => {
    if (pollMs === null) return;
    const timer = setTimeout(() => void load(true), pollMs);
    return () => clearTimeout(timer);
  }, [pollMs, state, load]);

  const press = (button: ButtonModel) => {
    const command = commandFor(button.action, state);
    if (command.kind === "request") void run(command.action);
    else if (command.kind === "reload") void load();
    else if (command.kind === "event") dispatch(command.event);
  };

  const vm = viewModel(state);
  return (
    <s-admin-block heading={vm.heading} collapsedSummary={vm.summary}>
      <s-stack direction="block" gap="base">
        {vm.loading && (
          <s-stack direction="inline" gap="small-200" alignItems="center">
            <s-spinner accessibilityLabel="Loading the Zoho Books status" size="base" />
            <s-text color="subdued">Loading the Zoho Books status…</s-text>
          </s-stack>
        )}
        {vm.badge && (
          <s-stack direction="inline" gap="small-200" alignItems="center">
            <s-badge tone={vm.badge.tone}>{vm.badge.label}</s-badge>
          </s-stack>
        )}
        {vm.rows.length > 0 && (
          <s-stack direction="block" gap="small-200">
            {vm.rows.map((row) => (
              <s-stack key={row.label} direction="inline" gap="base" justifyContent="space-between">
                <s-text color="subdued">{row.label}</s-text>
                <s-text type="strong" tone={row.tone ?? "auto"} fontVariantNumeric="tabular-nums">
                  {row.value}
                </s-text>
              </s-stack>
            ))}
          </s-stack>
        )}
        {vm.banners.map((banner) => (
          <s-banner
            key={`${banner.tone}:${banner.message}`}
            tone={banner.tone}
            heading={banner.heading ?? undefined}
            dismissible={banner.dismissible}
            onDismiss={() => dispatch({ type: "notice_dismissed" })}
          >
            <s-paragraph>{banner.message}</s-paragraph>
          </s-banner>
        ))}
        {vm.confirm && (
          <s-banner tone="warning" heading="Delete this invoice?">
            <s-stack direction="block" gap="base">
              <s-paragraph>{vm.confirm.question}</s-paragraph>
              <Buttons buttons={vm.confirm.buttons} press={press} />
            </s-stack>
          </s-banner>
        )}
        {vm.buttons.length > 0 && <Buttons buttons={vm.buttons} press={press} />}
      </s-stack>
    </s-admin-block>
  );
}

function Buttons({ buttons, press }: { buttons: ButtonModel[]; press: (b: ButtonModel) => void }) {
  return (
    <s-stack direction="inline" gap="small-200">
      {buttons.map((b) =>
        b.href ? (
          <s-button key={b.action} variant={b.variant} href={b.href} target="_blank">
            {b.label}
          </s-button>
        ) : (
          <s-button
            key={b.action}
            variant={b.variant}
            tone={b.tone}
            loading={b.loading}
            disabled={b.disabled}
            onClick={() => press(b)}
          >
            {b.label}
          </s-button>
        ),
      )}
    </s-stack>
  );
}
