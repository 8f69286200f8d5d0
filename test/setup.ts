// Per test file: msw with onUnhandledRequest "error"; simulators reset after each test;
// an unexpected console.error fails the test (epic-stack).
import { afterAll, afterEach, beforeAll, vi } from "vitest";
import { resetSimulators, server } from "~test/harness";

// msw 3 renamed onUnhandledRequest to onUnhandledFrame: any request without a handler fails the test.
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => {
  server.resetHandlers();
  resetSimulators();
});
afterAll(() => server.close());

const originalError = console.error;
beforeAll(() => {
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    originalError(...args);
    throw new Error(`Unexpected console.error: ${args.map(String).join(" ").slice(0, 500)}`);
  });
});
