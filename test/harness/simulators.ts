// Runs the msw simulators of test/harness (Shopify, Zoho Accounts, Zoho Books) in a normal process —
// the demo, a manual run of the app — instead of inside vitest. Requests to this machine
// (127.0.0.1 / localhost / ::1, i.e. our own app server, Postgres and Redis are not HTTP) pass
// through; any other request without a simulator fails loudly instead of reaching the internet.
//
// Import this module only after the environment is set: the simulators read the app's
// configuration (client ids and secrets) from app/env.server.ts.
import { handlers, resetSimulators, server } from "./index";
import { shopifyHandlers } from "./shopify";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export interface SimulatorOptions {
  /** Extra requests to let through to the network (e.g. an external Zoho-compatible server). */
  passthrough?: (url: URL) => boolean;
  /** false: Zoho is not simulated (an external Zoho-compatible server answers); only Shopify is. */
  zoho?: boolean;
}

export interface Simulators {
  /** Clears every simulator's state (tokens, orders, organizations, …). */
  reset(): void;
  close(): void;
}

export function startSimulators({ passthrough, zoho = true }: SimulatorOptions = {}): Simulators {
  if (!zoho) server.resetHandlers(...shopifyHandlers);
  server.listen({
    onUnhandledFrame: ({ frame, defaults }) => {
      const request = (frame.data as { request?: Request } | undefined)?.request;
      const url = request ? new URL(request.url) : null;
      if (url && (LOCAL_HOSTS.has(url.hostname) || passthrough?.(url))) return;
      defaults.error();
      throw new Error(
        `No simulator for ${request?.method ?? "a"} ${url ? url.origin + url.pathname : "non-HTTP request"}`,
      );
    },
  });
  return {
    reset: resetSimulators,
    close: () => server.close(),
  };
}

export { handlers };
