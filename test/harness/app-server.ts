// Starts the Remix app inside the calling process on a free port, for the browser tests and the demo:
// Vite in middleware mode (the same module graph `remix vite:dev` serves, no build step) behind a
// plain node:http server. In-process on purpose: the msw simulators started by the caller (test
// setup or test/harness/simulators.ts) then see every outgoing request the app makes, and tests can seed
// and inspect the simulators' state directly.
//
// The environment (DATABASE_URL, SHOPIFY_*, ZOHO_*, …) must be set before this is called: the app's
// modules parse it when Vite first loads them.
import { realpathSync } from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { ServerBuild } from "@remix-run/node";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Every bare import the app's client bundle makes (routes, root, entry). */
const CLIENT_DEPENDENCIES = [
  "react",
  "react/jsx-runtime",
  "react/jsx-dev-runtime",
  "react-dom",
  "react-dom/client",
  "@remix-run/react",
  "@shopify/polaris",
  "@shopify/app-bridge-react",
  "@shopify/shopify-app-remix/react",
  "@shopify/shopify-app-remix/server", // `boundary` in app/routes/app.tsx
];

export interface AppServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Loads an app module through the same module graph the server uses (e.g. "/app/db.server.ts"). */
  loadModule<T = Record<string, unknown>>(id: string): Promise<T>;
  /** Stops accepting requests, closes Vite, then the app's Redis connection and Prisma client. */
  close(): Promise<void>;
}

export interface AppServerOptions {
  /** 0 (default) = a free port chosen by the OS. */
  port?: number;
  host?: string;
  /** Called for an error thrown outside Remix's own handling (the request then gets a plain 500). */
  onError?: (err: unknown) => void;
  /**
   * false when no browser will load the pages (the demo talks HTTP only): skips Vite's scan and
   * pre-bundling of client dependencies, which would otherwise run in the background.
   */
  browser?: boolean;
}

export async function startAppServer({
  port = 0,
  host = "127.0.0.1",
  onError,
  browser = true,
}: AppServerOptions = {}): Promise<AppServer> {
  const { createServer } = await import("vite");
  const { createRequestHandler, writeReadableStreamToWritable } = await import("@remix-run/node");

  const vite = await createServer({
    root: ROOT,
    configFile: path.join(ROOT, "vite.config.ts"),
    appType: "custom",
    logLevel: "warn",
    clearScreen: false,
    // The page's Vite client always opens the HMR socket; without `hmr.port` it is the fixed 24678,
    // which a second app server (parallel browser test files, a dev server) cannot bind. A free
    // port per server; nothing is watched, so no update is ever sent on it.
    // fs.allow: node_modules may be a symlink out of the root (a git worktree sharing another
    // checkout's); Vite refuses to serve files outside the allowed dirs (Remix's entry.client.tsx).
    server: {
      middlewareMode: true,
      hmr: { port: await freePort(host), host },
      watch: null,
      fs: { allow: [ROOT, realpathSync(path.join(ROOT, "node_modules"))] },
    },
    // Own cache dirs: pre-bundled client deps must not be invalidated by `remix vite:dev` or by the
    // other mode's different optimizeDeps (a mid-test re-optimization reloads the page).
    cacheDir: path.join(ROOT, "node_modules", browser ? ".vite-app-server" : ".vite-app-server-http"),
    // Browser mode: the client dependencies are named, and discovery is off. Discovery also walks the
    // *.server.ts imports (which Remix strips from the client), found them after the first
    // optimization and re-optimized: with HMR off the open page then ran two copies of React — what
    // a fresh clone's first page load hit. A new client dependency must be added to the list.
    optimizeDeps: { noDiscovery: true, include: browser ? CLIENT_DEPENDENCIES : [] },
  });
  const handle = createRequestHandler(
    () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>,
    "development",
  );

  const server = http.createServer((req, res) => {
    // Vite serves the client modules and assets; everything else is the Remix app.
    vite.middlewares(req, res, () => {
      void (async () => {
        try {
          const response = await handle(toFetchRequest(req, res));
          res.statusCode = response.status;
          res.statusMessage = response.statusText;
          for (const [name, value] of response.headers) if (name !== "set-cookie") res.setHeader(name, value);
          const cookies = response.headers.getSetCookie();
          if (cookies.length) res.setHeader("set-cookie", cookies);
          if (response.body) await writeReadableStreamToWritable(response.body, res);
          else res.end();
        } catch (err) {
          onError?.(err);
          if (!res.headersSent) {
            res.statusCode = 500;
            res.setHeader("content-type", "text/plain; charset=utf-8");
          }
          res.end("Internal Server Error");
        }
      })();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;

  const loadModule = <T>(id: string) => vite.ssrLoadModule(id) as Promise<T>;

  return {
    url: `http://${host}:${actualPort}`,
    port: actualPort,
    loadModule,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // The app's own module instances hold its Redis connection and Prisma client. Only modules the
      // app already loaded: loading one now would need esbuild, which Ctrl+C may already have stopped.
      const loaded = async <T>(id: string) =>
        (await vite.moduleGraph.getModuleByUrl(id, true))?.ssrModule ? loadModule<T>(id) : undefined;
      try {
        await (await loaded<{ closeRedis(): Promise<void> }>("/app/redis/redis.server.ts"))?.closeRedis();
        await (await loaded<{ prisma: { $disconnect(): Promise<void> } }>("/app/db.server.ts"))?.prisma.$disconnect();
      } finally {
        await vite.close();
      }
    },
  };
}

async function freePort(host: string): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", reject);
    probe.listen(0, host, () => resolve());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** node:http request → Fetch Request (what Remix handlers take); aborted when the client goes away. */
function toFetchRequest(req: IncomingMessage, res: ServerResponse): Request {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url.href, {
    method: req.method,
    headers,
    signal: controller.signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
}
