// Injected faults (zohoBooks.inject) and the opt-in per-organization request limit: both answer before
// authentication, like Zoho's gateway.
import { HttpResponse } from "msw";
import { zohoNow } from "../zoho-accounts";
import { fail } from "./http";
import { pendingHangs, state, templateOf, type FaultRule, type ZohoFault } from "./state";

/** The fault this request meets, if any: the first rule that matches it and whose `skip`/`every` say
 *  "this one". Counts the request against every matching rule it passes on the way. */
export function takeFault(method: string, path: string): FaultRule | undefined {
  const template = templateOf(path);
  for (const f of state.faults) {
    if (f.remaining <= 0) continue;
    if (f.method && f.method !== method) continue;
    if (
      f.path !== undefined &&
      !(f.path instanceof RegExp ? f.path.test(path) : f.path === path || f.path === template)
    )
      continue;
    f.seen++;
    const past = f.seen - (f.skip ?? 0);
    if (past <= 0 || past % (f.every ?? 1) !== 0) continue;
    f.remaining--;
    return f;
  }
  return undefined;
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

export function faultResponse(fault: ZohoFault): Response {
  switch (fault.kind) {
    case "rate-limit":
      return fail(
        429,
        44,
        "For security reasons your organization has been blocked as it have exceeded the maximum number of requests per minute that can originate from an organization.",
        fault.retryAfterSeconds === undefined ? {} : { "Retry-After": String(fault.retryAfterSeconds) },
      );
    case "concurrency-limit":
      return fail(
        429,
        1070,
        "You have reached the maximum number of in process requests allowed for your organization. Please try again later.",
      );
    case "daily-limit":
      return fail(429, 45, "The API call for this organization has exceeded the maximum call rate limit of 1000.");
    case "unauthorized":
      return fail(401, 57, "You are not authorized to perform this operation");
    case "validation":
      return fail(400, fault.code ?? 2, fault.message ?? "Invalid value passed");
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
    return faultResponse({ kind: "rate-limit" });
  }
  recent.push(now);
  limiter.sent.set(organizationId, recent);
  return null;
}

// ---------------------------------------------------------------- concurrency and daily quota (opt-in)
// Off unless `zohoBooks.setMaxConcurrent(n)` / `setDailyLimit(n)`. Checked before the per-minute limit;
// a refused request counts for neither of the others. The daily count is per UTC day on the simulator's
// clock (Zoho's reset time is unconfirmed).

const dayKey = (organizationId: string) => `${organizationId}:${Math.floor(zohoNow() / 86_400_000)}`;

export function dailyUsed(organizationId: string): number {
  return state.daily.used.get(dayKey(organizationId)) ?? 0;
}

export function setDailyUsed(organizationId: string, used: number): void {
  state.daily.used.set(dayKey(organizationId), used);
}

export function concurrencyRefusal(organizationId: string | null): Response | null {
  const c = state.concurrency;
  if (c.max === null || !organizationId) return null;
  if ((c.inflight.get(organizationId) ?? 0) < c.max) return null;
  c.refused++;
  return faultResponse({ kind: "concurrency-limit" });
}

/** Marks an accepted request as being processed; returns the function that ends it (undefined: no limit). */
export function enterProcessing(organizationId: string | null): (() => void) | undefined {
  const c = state.concurrency;
  if (c.max === null || !organizationId) return undefined;
  c.inflight.set(organizationId, (c.inflight.get(organizationId) ?? 0) + 1);
  return () => c.inflight.set(organizationId, (c.inflight.get(organizationId) ?? 1) - 1);
}

export function dailyRefusal(organizationId: string | null): Response | null {
  const d = state.daily;
  if (d.limit === null || !organizationId) return null;
  if (dailyUsed(organizationId) < d.limit) return null;
  return fail(429, 45, `The API call for this organization has exceeded the maximum call rate limit of ${d.limit}.`);
}

export function countDaily(organizationId: string | null): void {
  if (state.daily.limit === null || !organizationId) return;
  setDailyUsed(organizationId, dailyUsed(organizationId) + 1);
}
