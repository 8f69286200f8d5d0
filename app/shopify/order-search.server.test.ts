// The order-id search on its own, against a scripted Admin GraphQL client (no network): paging,
// the cost-based wait between pages and the retry of Shopify's "Throttled" answer.
import { describe, expect, it, vi } from "vitest";
import type { AdminGraphql } from "~/shopify/orders.server";
import { ORDER_SEARCH_DEFAULTS, searchOrderIds, type OrderIdsPage } from "./order-search.server";

type Answer = { ids: string[]; next: string | null; available?: number } | Error;

/** A client answering `answers` in order, recording the variables of every call. */
function scripted(answers: Answer[]) {
  const calls: Array<Record<string, unknown>> = [];
  const graphql = (async (_query: string, options?: { variables?: Record<string, unknown> }) => {
    calls.push(options?.variables ?? {});
    const answer = answers.shift();
    if (!answer) throw new Error("no more answers scripted");
    if (answer instanceof Error) throw answer;
    return new Response(
      JSON.stringify({
        data: {
          orders: {
            pageInfo: { hasNextPage: answer.next !== null, endCursor: answer.next },
            nodes: answer.ids.map((id) => ({
              id: `gid://shopify/Order/${id}`,
              legacyResourceId: id,
              name: `#${id}`,
              updatedAt: "2026-11-01T10:00:00Z",
              processedAt: "2026-10-31T09:00:00Z",
            })),
          },
        },
        extensions: {
          cost: {
            requestedQueryCost: 12,
            throttleStatus: { maximumAvailable: 2000, currentlyAvailable: answer.available ?? 2000, restoreRate: 100 },
          },
        },
      }),
    );
  }) as unknown as AdminGraphql;
  return { graphql, calls };
}

const throttled = (available: number) =>
  Object.assign(new Error("Throttled"), {
    body: {
      extensions: {
        cost: {
          requestedQueryCost: 302,
          throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate: 100 },
        },
      },
    },
  });

async function collect(pages: AsyncIterable<OrderIdsPage>): Promise<OrderIdsPage[]> {
  const out: OrderIdsPage[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe("searchOrderIds", () => {
  it("pages from a saved cursor until Shopify has no more, waiting for the bucket between pages only", async () => {
    const { graphql, calls } = scripted([
      { ids: ["1", "2"], next: "c2", available: 100 },
      { ids: ["3", "4"], next: "c4" },
      { ids: ["5"], next: null, available: 0 },
    ]);
    const sleep = vi.fn(async () => {});

    const pages = await collect(searchOrderIds(graphql, "financial_status:paid", { pageSize: 2, after: "c0", sleep }));

    expect(pages.map((p) => [p.nodes.map((n) => n.legacyResourceId), p.nextCursor])).toEqual([
      [["1", "2"], "c2"],
      [["3", "4"], "c4"],
      [["5"], null],
    ]);
    expect(pages[0]!.nodes[0]).toEqual({
      legacyResourceId: "1",
      name: "#1",
      updatedAt: "2026-11-01T10:00:00Z",
      processedAt: "2026-10-31T09:00:00Z",
    });
    // By last update unless asked otherwise (the scan's checkpoint follows updates).
    expect(calls).toEqual([
      { first: 2, after: "c0", query: "financial_status:paid", sortKey: "UPDATED_AT" },
      { first: 2, after: "c2", query: "financial_status:paid", sortKey: "UPDATED_AT" },
      { first: 2, after: "c4", query: "financial_status:paid", sortKey: "UPDATED_AT" },
    ]);
    // After page 1: room for max(12 requested, 2 + 2) points plus the 200 reserve, 100 available: 1.12 s.
    // After the last page nothing is asked any more, so nothing is awaited although the bucket is empty.
    expect(sleep.mock.calls).toEqual([[1_120]]);
    expect(pages.map((p) => p.throttledMs)).toEqual([0, 1_120, 0]);
  });

  it("asks for nothing more when the caller stops early", async () => {
    const { graphql, calls } = scripted([{ ids: ["1"], next: "c1", available: 0 }]);
    const sleep = vi.fn(async () => {});
    for await (const page of searchOrderIds(graphql, "q", { pageSize: 1, sleep })) {
      expect(page.nodes).toHaveLength(1);
      break;
    }
    expect(calls).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it("asks again after a Throttled answer once the bucket has room, a bounded number of times", async () => {
    const { graphql } = scripted([throttled(2), { ids: ["1"], next: null }]);
    const sleep = vi.fn(async () => {});
    const pages = await collect(searchOrderIds(graphql, "q", { pageSize: 10, sleep }));
    // (302 − 2) / 100 points per second.
    expect(sleep.mock.calls).toEqual([[3_000]]);
    expect(pages).toMatchObject([{ nodes: [{ legacyResourceId: "1" }], throttledMs: 3_000 }]);

    const retries = ORDER_SEARCH_DEFAULTS.throttledRetries;
    const always = scripted(Array.from({ length: retries + 1 }, () => throttled(250)));
    const waits = vi.fn(async () => {});
    await expect(collect(searchOrderIds(always.graphql, "q", { pageSize: 10, sleep: waits }))).rejects.toThrow(
      "Throttled",
    );
    expect(always.calls).toHaveLength(retries + 1);
    expect(waits.mock.calls).toEqual(Array.from({ length: retries }, () => [1_000])); // at least a second each time
  });

  it("does not retry other failures, nor an answer without an orders connection", async () => {
    const failing = scripted([new Error("Shopify answered HTTP 503")]);
    await expect(collect(searchOrderIds(failing.graphql, "q", { pageSize: 10, sleep: vi.fn() }))).rejects.toThrow(
      "HTTP 503",
    );
    expect(failing.calls).toHaveLength(1);

    const empty = (async () => new Response(JSON.stringify({ data: {} }))) as unknown as AdminGraphql;
    await expect(collect(searchOrderIds(empty, "q", { pageSize: 10, sleep: vi.fn() }))).rejects.toThrow(
      "Shopify returned no orders for the order search",
    );
  });
});
