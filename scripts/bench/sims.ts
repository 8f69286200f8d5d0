// The simulators for the benchmark: Zoho Accounts, Zoho Books and Shopify from test/harness, served over
// HTTP by test/harness/sim-server.ts from this process (the worker child process reaches Zoho through
// ZOHO_API_URL and Shopify through test/harness/shopify-forwarder.ts). This process does not intercept its
// own HTTP: the load generator's requests go straight to the web process.
//
// Every Zoho Books answer is also logged here with its time, organization and status, so rates per
// minute and 429s per organization can be counted afterwards.
import { getResponse, http, type RequestHandler } from "msw";
import { server as mswServer } from "~test/harness";
import { zohoBooks, zohoBooksHandlers } from "~test/harness/zoho-books";
import { startSimServer, type SimServer } from "~test/harness/sim-server";

export interface ZohoHit {
  /** Date.now() when the simulator answered (after the simulated latency). */
  at: number;
  organizationId: string | null;
  /** "POST /invoices", "GET /contacts", … (ids replaced by {id}). */
  key: string;
  status: number;
  /** Zoho's error code for a non-2xx answer (44 = per-minute limit). */
  code?: number;
}

export interface BenchSims {
  server: SimServer;
  hits: ZohoHit[];
  /** Hits of one organization, optionally only after `since` (Date.now()). */
  hitsOf(organizationId: string, since?: number): ZohoHit[];
  close(): Promise<void>;
}

export async function startBenchSims(opts: { zohoLatencyMs: number; zohoLimit: number }): Promise<BenchSims> {
  const hits: ZohoHit[] = [];
  const books: RequestHandler[] = zohoBooksHandlers;
  const recorder = http.all(
    ({ request }) => new URL(request.url).pathname.startsWith("/books/v3/"),
    async ({ request }) => {
      const url = new URL(request.url);
      const response = await getResponse(books, request);
      if (!response) return undefined;
      const hit: ZohoHit = {
        at: Date.now(),
        organizationId: url.searchParams.get("organization_id"),
        key: `${request.method} ${url.pathname.replace(/^\/books\/v3/, "").replace(/\/\d+(?=\/|$)/g, "/{id}")}`,
        status: response.status,
      };
      if (response.status >= 400) {
        const body = (await response
          .clone()
          .json()
          .catch(() => null)) as { code?: number } | null;
        if (typeof body?.code === "number") hit.code = body.code;
      }
      hits.push(hit);
      return response;
    },
  );
  zohoBooks.setRequestsPerMinute(opts.zohoLimit);
  const server = await startSimServer({
    zohoLatencyMs: opts.zohoLatencyMs,
    handlers: () => [recorder, ...mswServer.listHandlers()],
  });
  return {
    server,
    hits,
    hitsOf: (organizationId, since = 0) => hits.filter((h) => h.organizationId === organizationId && h.at >= since),
    close: () => server.close(),
  };
}
