// The msw handler: one catch-all for every base URL the simulator serves. It logs the request, applies
// an injected fault or the per-minute limit, checks the access token, then routes by resource.
import { http, HttpResponse, type HttpHandler } from "msw";
import { isValidAccessToken, zohoNow } from "../zoho-accounts";
import { routeContacts } from "./contacts";
import { routeCurrencies } from "./currencies";
import { routeCreditNotes } from "./creditnotes";
import { routeBankAccounts, routeCustomerPayments } from "./customerpayments";
import { routeCustomFields } from "./customfields";
import {
  concurrencyRefusal,
  countDaily,
  dailyRefusal,
  enterProcessing,
  faultResponse,
  hang,
  perMinuteRefusal,
  takeFault,
  withStatus,
} from "./faults";
import { fail, SimError } from "./http";
import { routeInvoices } from "./invoices";
import { routeItems } from "./items";
import { orgFor, routeOrganizations } from "./organizations";
import { matchBase, state, templateOf } from "./state";
import { routeTaxes, routeTaxGroups } from "./taxes";

async function route(
  request: Request,
  method: string,
  path: string,
  q: URLSearchParams,
  apiDomain: string,
): Promise<Response> {
  const seg = path.split("/").filter(Boolean);
  const [root, id] = seg;

  if (root === "organizations" && seg.length <= 2) return routeOrganizations(method, id, apiDomain);

  const org = orgFor(q, apiDomain);
  const req = { request, method, org, q, seg };
  if (root === "settings" && id === "taxes" && seg.length <= 3) return routeTaxes(req);
  if (root === "settings" && id === "taxgroups" && seg.length <= 3) return routeTaxGroups(req);
  if (root === "settings" && id === "customfields") return routeCustomFields(req);
  if (root === "settings" && id === "currencies") return routeCurrencies(req);
  if (root === "contacts" && seg.length <= 2) return routeContacts(req);
  if (root === "items" && seg.length <= 2) return routeItems(req);
  if (root === "invoices") return routeInvoices(req);
  if (root === "creditnotes") return routeCreditNotes(req);
  if (root === "customerpayments" && seg.length <= 2) return routeCustomerPayments(req);
  if (root === "bankaccounts") return routeBankAccounts(req);

  throw new SimError(404, 5, "Invalid URL Passed");
}

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const base = matchBase(url)!;
  const path = `${url.origin.toLowerCase()}${url.pathname}`.slice(base.length).replace(/\/+$/, "") || "/";
  const method = request.method.toUpperCase();
  const q = url.searchParams;
  state.requests.push({
    method,
    path,
    template: templateOf(path),
    organizationId: q.get("organization_id"),
    host: url.host,
    at: zohoNow(),
  });

  const fault = takeFault(method, path);
  let leave: (() => void) | undefined;
  if (!fault) {
    const organizationId = q.get("organization_id");
    const refused =
      dailyRefusal(organizationId) ?? concurrencyRefusal(organizationId) ?? perMinuteRefusal(organizationId);
    if (refused) return refused;
    countDaily(organizationId);
    leave = enterProcessing(organizationId);
  }
  if (leave) {
    // Each accepted request is "processed" this long, so an organization's requests overlap.
    try {
      await new Promise((resolve) => setTimeout(resolve, state.concurrency.processingMs));
    } finally {
      leave();
    }
  }
  if (fault && fault.kind !== "crash-after-create") {
    if (fault.kind !== "timeout") return withStatus(faultResponse(fault), fault.httpStatus);
    if (fault.delayMs === undefined) return hang(request);
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (request.signal.aborted) return HttpResponse.error();
  }

  const auth = request.headers.get("authorization") ?? "";
  const match = /^Zoho-oauthtoken\s+(\S+)$/.exec(auth);
  if (!match) return fail(401, 14, "Invalid value passed for Authorization");
  // A base URL's API domain is the part before /books/v3 (the token is bound to one data center).
  const apiDomain = base.replace(/\/books\/v3$/, "");
  if (!isValidAccessToken(match[1]!, { apiDomain }))
    return fail(401, 57, "You are not authorized to perform this operation");

  let response: Response;
  try {
    response = await route(request, method, path, q, apiDomain);
  } catch (err) {
    if (err instanceof SimError) return fail(err.status, err.code, err.message, err.headers);
    throw err;
  }
  if (fault?.kind === "crash-after-create" && response.status < 300) {
    // The record exists now; the caller never learns it.
    if (fault.then === "drop") return HttpResponse.error();
    return fault.then === "timeout" ? hang(request) : withStatus(fail(500, 1000, "Internal error"), fault.httpStatus);
  }
  return response;
}

export const zohoBooksHandlers: HttpHandler[] = [
  http.all(
    ({ request }) => matchBase(new URL(request.url)) !== undefined,
    ({ request }) => handle(request),
  ),
];
