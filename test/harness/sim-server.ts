// The msw simulators of test/harness (Zoho Accounts, Zoho Books, Shopify) behind a real HTTP server, so
// other processes — the worker and web app started by the demo or a process test — use the SAME
// handlers and the SAME in-memory state as the process that seeds and inspects them (ADR 009).
//
// - Zoho: the server's own origin is registered as a Zoho-compatible accounts server handing out
//   itself as API domain, and `<origin>/books/v3` as a Books base URL. A process started with
//   `ZOHO_ACCOUNTS_URL=<origin>` and `ZOHO_API_URL=<origin>/books/v3` (design §8) talks plain HTTP here.
// - Shopify: the app calls https://<shop>.myshopify.com/… (the library builds that URL). In a child
//   process, test/harness/shopify-forwarder.ts sends those requests to `<origin>/__shopify/<host>/<path>`;
//   this server maps them back to the original URL before asking the handlers.
//
// Import this module only after the environment is set: the simulators read the app's configuration
// (Shopify client id and secret) from app/env.server.ts.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getResponse, isPassthroughResponse, RequestHandler } from "msw";
import { server as mswServer } from "./index";
import { addZohoAccountsServer } from "./zoho-accounts";
import { zohoBooks } from "./zoho-books";

/** Path prefix of forwarded Shopify requests: /__shopify/<shop host>/<original path>. */
export const SHOPIFY_FORWARD_PREFIX = "/__shopify/";
/** Environment variable the forwarder reads (the origin of this server). */
export const SHOPIFY_SIMULATOR_URL_VAR = "SHOPIFY_SIMULATOR_URL";
const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export interface SimServerOptions {
  /** 0 (default): a free port chosen by the OS. */
  port?: number;
  host?: string;
  /** Wait this long before answering each Zoho request (the benchmark uses 150 ms). Default 0. */
  zohoLatencyMs?: number;
  /**
   * The handlers to answer with. Default: the msw server's current list (test/harness), so one-off
   * `server.use(...)` handlers of a test apply to the other processes too.
   */
  handlers?: () => readonly unknown[];
}

export interface HoldRule {
  method?: string;
  /** Path of the request as this server sees it, e.g. "/books/v3/invoices" (exact) or a RegExp. */
  path: string | RegExp;
  /** Only a response with this status (e.g. 201). */
  status?: number;
}

/** A response the simulator produced (its side effects are done) and has not sent yet. */
export interface HeldResponse {
  method: string;
  path: string;
  status: number;
  /** Sends it (to a client that may be gone by then). */
  release(): void;
}

export interface SimServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  /** ZOHO_ACCOUNTS_URL, ZOHO_API_URL and the forwarder's variable for a process that should use this server. */
  env: Record<string, string>;
  /** Changeable while running. */
  zohoLatencyMs: number;
  /** Requests answered so far, by simulator. */
  readonly stats: { zoho: number; shopify: number; unhandled: number };
  /**
   * Registers this origin with the Zoho simulators again (a `resetSimulators()` forgets it). Done on
   * every request too; call it before seeding tokens for this server (`issueTokensFor`).
   */
  register(): void;
  /** Holds the next response matching `rule` until released; resolves once one is held. */
  holdNext(rule: HoldRule): Promise<HeldResponse>;
  /** Stops accepting, drops open connections, sends nothing more. */
  close(): Promise<void>;
}

export async function startSimServer(opts: SimServerOptions = {}): Promise<SimServer> {
  const host = opts.host ?? "127.0.0.1";
  const handlersOf = opts.handlers ?? (() => mswServer.listHandlers());
  const holds: Array<{ rule: HoldRule; held: (h: HeldResponse) => void }> = [];
  const pendingReleases = new Set<() => void>();
  const stats = { zoho: 0, shopify: 0, unhandled: 0 };
  let origin = "";

  const register = () => {
    addZohoAccountsServer(origin, origin);
    zohoBooks.addBaseUrl(`${origin}/books/v3`);
  };

  const server = http.createServer((req, res) => {
    void answer(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end(`Simulator error: ${err instanceof Error ? err.message : String(err)}`);
      } else {
        res.destroy();
      }
    });
  });

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    register();
    const path = req.url ?? "/";
    const controller = new AbortController();
    // The client went away before the answer (its timeout, or the process died): a held or hanging
    // simulator request sees the abort, as it would under msw.
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });

    const forwarded = path.startsWith(SHOPIFY_FORWARD_PREFIX);
    let url: string;
    if (forwarded) {
      const rest = path.slice(SHOPIFY_FORWARD_PREFIX.length);
      const slash = rest.indexOf("/");
      const shopHost = slash < 0 ? rest : rest.slice(0, slash);
      if (!SHOP_HOST.test(shopHost)) return plain(res, 400, `Not a shop host: ${shopHost}`);
      url = `https://${shopHost}${slash < 0 ? "/" : rest.slice(slash)}`;
      stats.shopify++;
    } else {
      url = origin + path;
      stats.zoho++;
      const latency = api.zohoLatencyMs;
      if (latency > 0) await sleep(latency, controller.signal);
    }

    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req);
    const headers = new Headers();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!.toLowerCase();
      if (name === "host" || name === "connection" || name === "content-length" || name === "transfer-encoding")
        continue;
      headers.append(name, req.rawHeaders[i + 1]!);
    }
    const request = new Request(url, {
      method: req.method,
      headers,
      signal: controller.signal,
      ...(body ? { body: new Uint8Array(body) } : {}),
    });
    const handlers = handlersOf().filter((h): h is RequestHandler => h instanceof RequestHandler);
    const response = await getResponse(handlers, request);
    if (!response || isPassthroughResponse(response)) {
      stats.unhandled++;
      return plain(res, 404, `No simulator handles ${req.method} ${forwarded ? url : path}`);
    }

    const hold = holds.findIndex(
      ({ rule }) =>
        (!rule.method || rule.method.toUpperCase() === req.method) &&
        (rule.path instanceof RegExp ? rule.path.test(path.split("?")[0]!) : rule.path === path.split("?")[0]) &&
        (rule.status === undefined || rule.status === response.status),
    );
    if (hold >= 0) {
      const [{ held }] = holds.splice(hold, 1) as [(typeof holds)[number]];
      await new Promise<void>((release) => {
        const done = () => {
          pendingReleases.delete(done);
          release();
        };
        pendingReleases.add(done);
        held({ method: req.method ?? "GET", path: path.split("?")[0]!, status: response.status, release: done });
      });
    }
    if (res.destroyed || controller.signal.aborted) return;
    await send(res, response);
  }

  const api: SimServer = {
    origin: "",
    env: {},
    zohoLatencyMs: opts.zohoLatencyMs ?? 0,
    stats,
    register,
    holdNext(rule) {
      return new Promise((held) => holds.push({ rule, held }));
    },
    async close() {
      for (const release of [...pendingReleases]) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  api.origin = origin;
  api.env = {
    ZOHO_ACCOUNTS_URL: origin,
    ZOHO_API_URL: `${origin}/books/v3`,
    [SHOPIFY_SIMULATOR_URL_VAR]: origin,
  };
  register();
  return api;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A Fetch Response from a handler onto the wire; `Response.error()` becomes a dropped connection. */
async function send(res: ServerResponse, response: Response): Promise<void> {
  if (response.type === "error") {
    res.destroy();
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers)
    if (name !== "set-cookie" && name !== "content-length" && name !== "content-encoding") headers[name] = value;
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  headers["content-length"] = String(body.length);
  if (response.statusText) res.writeHead(response.status, response.statusText, headers);
  else res.writeHead(response.status, headers);
  res.end(body);
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(text);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
