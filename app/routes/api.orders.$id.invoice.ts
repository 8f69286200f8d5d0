// The admin block's backend (extensions/zoho-invoice-block): one order's Zoho invoice.
//   GET    /api/orders/:id/invoice[?refresh=1]  status (refresh re-reads the invoice from Zoho)
//   POST   /api/orders/:id/invoice              create the draft invoice now
//   PUT    /api/orders/:id/invoice              re-push the order to its draft
//   DELETE /api/orders/:id/invoice              delete the invoice in Zoho Books
//   OPTIONS                                     CORS preflight (the block runs on Shopify's origin)
// `:id` is the numeric order id or its GID. Answers are JSON (`InvoiceApiResponse` in
// app/sync/order-invoice.ts). Thin route: parse, authenticate the session token, one service call.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { authenticate } from "~/shopify.server";
import { parseOrderId, type InvoiceApiFailure, type InvoiceApiSuccess } from "~/sync/order-invoice";
import {
  createOrderInvoice,
  deleteOrderInvoiceInZoho,
  getOrderInvoice,
  OrderInvoiceError,
  updateOrderInvoiceDraft,
  type InvoiceActionResult,
} from "~/sync/order-invoice.server";
import { orderPayments } from "~/sync/payment-sync.server";
import { orderCreditNotes } from "~/sync/refund-sync.server";

const METHODS = "GET, POST, PUT, DELETE, OPTIONS";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return handle(request, params.id); // GET and OPTIONS (Remix routes OPTIONS to the loader)
}

export async function action({ request, params }: ActionFunctionArgs) {
  return handle(request, params.id);
}

async function handle(request: Request, rawId: string | undefined): Promise<Response> {
  const method = request.method.toUpperCase();
  // Without a token the library would answer a document-style redirect to /auth/login.
  if (method !== "OPTIONS" && !/^Bearer \S+/.test(request.headers.get("authorization") ?? ""))
    return failure(request, 401, "unauthorized", "The request carries no Shopify session token.");

  let auth: Awaited<ReturnType<typeof authenticate.admin>>;
  try {
    auth = await authenticate.admin(request);
  } catch (thrown) {
    // The library answers OPTIONS (204) and bad tokens (401) by throwing a Response with CORS headers.
    if (thrown instanceof Response) {
      if (method === "OPTIONS") thrown.headers.set("Access-Control-Allow-Methods", METHODS);
      return thrown;
    }
    throw thrown;
  }
  const { session, admin, cors } = auth;

  const orderId = parseOrderId(rawId);
  if (!orderId)
    return cors(
      json<InvoiceApiFailure>(
        { ok: false, error: { code: "bad_order_id", message: "The order id must be a number or an Order GID." } },
        400,
      ),
    );

  const deps = { graphql: admin.graphql };
  try {
    let result: InvoiceActionResult;
    switch (method) {
      case "GET":
        result = await getOrderInvoice(
          session.shop,
          orderId,
          { refresh: new URL(request.url).searchParams.get("refresh") === "1" },
          deps,
        );
        break;
      case "POST":
        result = await createOrderInvoice(session.shop, orderId, deps);
        break;
      case "PUT":
        result = await updateOrderInvoiceDraft(session.shop, orderId, deps);
        break;
      case "DELETE":
        result = await deleteOrderInvoiceInZoho(session.shop, orderId, deps);
        break;
      default: {
        const res = json<InvoiceApiFailure>(
          { ok: false, error: { code: "method_not_allowed", message: `${method} is not supported here.` } },
          405,
        );
        res.headers.set("Allow", METHODS);
        return cors(res);
      }
    }
    const { outcome, message, warning } = result;
    const [creditNotes, payments] = await Promise.all([
      orderCreditNotes(session.shop, orderId),
      orderPayments(session.shop, orderId),
    ]);
    const order = {
      ...result.order,
      ...(creditNotes.length ? { creditNotes } : {}),
      ...(payments.length ? { payments } : {}),
    };
    const status = outcome === "created" ? 201 : outcome === "queued" ? 202 : 200;
    return cors(
      json<InvoiceApiSuccess>(
        { ok: true, order, ...(message ? { message } : {}), ...(warning ? { warning } : {}) },
        status,
      ),
    );
  } catch (err) {
    if (err instanceof OrderInvoiceError) {
      const status = { not_found: 404, conflict: 409, refused: 422, unavailable: 503 }[err.kind];
      return cors(
        json<InvoiceApiFailure>(
          { ok: false, error: { code: err.code, message: err.message }, ...(err.order ? { order: err.order } : {}) },
          status,
        ),
      );
    }
    // The library answers a refused Admin API call by throwing a Response: Shopify's 401 for a revoked
    // offline token (after dropping it, so the retried request exchanges a new one), 402/403/423 as
    // Shopify sent them. They are answers for the block, not our failures.
    if (err instanceof Response) throw cors(err);
    logger.error({ err, shop: session.shop, orderId, method }, "order invoice api failed");
    return cors(
      json<InvoiceApiFailure>(
        {
          ok: false,
          error: { code: "unexpected", message: "Something went wrong on our side. Try again in a minute." },
        },
        500,
      ),
    );
  }
}

function json<T>(body: T, status: number): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

/** An answer before authentication: CORS headers as the library's `cors` adds them. */
function failure(request: Request, status: number, code: string, message: string): Response {
  const res = json<InvoiceApiFailure>({ ok: false, error: { code, message } }, status);
  const origin = request.headers.get("origin");
  if (origin && origin !== new URL(env.SHOPIFY_APP_URL).origin) {
    res.headers.set("Access-Control-Allow-Origin", "*");
    res.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
  }
  return res;
}
