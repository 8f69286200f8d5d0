// Injected faults (zohoBooks.inject) and the opt-in per-organization request limit: both answer before
// authentication, like Zoho's gateway.
import { HttpResponse } from "msw";
import { zohoNow } from "../zoho-accounts";
import { fail } from "./http";
import { pendingHangs, state, templateOf, type FaultRule } from "./state";

export function matchFault(method: string, path: string): FaultRule | undefined {
  const template = templateOf(path);
  return state.faults.find((f) => {
    if (f.remaining <= 0) return false;
    if (f.method && f.method !== method) return false;
    if (f.path === undefined) return true;
    if (f.path instanceof RegExp) return f.path.test(path);
    return f.path === path || f.path === template;
  });
}

/** Never answers until the caller aborts (its timeout) or the simulator is reset. */
export function hang(request: Request): Promise<Response> {
  return new Promise((resolve) => {
    const release = () => {
      pendingHangs.delete(release);
      resolve(HttpResponse.error());
    };
    pendingHangs.add(release);
    request.signal.addEventListener("abort", release, { once: true });
  });
}

/** The same answer with another HTTP status (a fault's `httpStatus`). */
export function withStatus(response: Response, status: number | undefined): Response {
  if (status === undefined) return response;
  return new Response(response.body, { status, headers: response.headers });
}

export function faultResponse(fault: FaultRule): Response {
  switch (fault.kind) {
    case "rate-limit":
      return fail(
        429,
        44,
        "For security reasons your organization has been blocked as it have exceeded the maximum number of requests per minute that can originate from an organization.",
        fault.retryAfterSeconds === undefined ? {} : { "Retry-After": String(fault.retryAfterSeconds) },
      );
    case "concurrency-limit":
      return fail(429, 1070, "You have reached the maximum number of in process requests allowed for your organization. Please try again later.");
    case "daily-limit":
      return fail(429, 45, "The API call for this organization has exceeded the maximum call rate limit of 1000.");
    case "unauthorized":
      return fail(401, 57, "You are not authorized to perform this operation");
    default:
      return fail(500, 1000, "Internal error");
  }
}

// ---------------------------------------------------------------- per-organization request limit (opt-in)
// Off unless `zohoBooks.setRequestsPerMinute(n)`: the benchmark scales Zoho's 100/min down to check
// that our limiter keeps every organization below it. A rolling 60 s window on the simulator's clock;
// refused requests do not count. Like the faults it comes before auth (Zoho's gateway). Requests
// without organization_id (GET /organizations) are not limited. No Retry-After: Zoho's is unconfirmed.

export function perMinuteRefusal(organizationId: string | null): Response | null {
  const limiter = state.perMinute;
  if (limiter.limit === null || !organizationId) return null;
  const now = zohoNow();
  const recent = (limiter.sent.get(organizationId) ?? []).filter((t) => now - t < 60_000);
  if (recent.length >= limiter.limit) {
    limiter.sent.set(organizationId, recent);
    limiter.refused++;
    return faultResponse({ kind: "rate-limit", remaining: 0 });
  }
  recent.push(now);
  limiter.sent.set(organizationId, recent);
  return null;
}
