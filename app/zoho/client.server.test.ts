import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { delay, http, HttpResponse } from "msw";
import { afterAll, describe, expect, it } from "vitest";
import { server } from "~test/harness";
import { createLogger } from "~/logger.server";
import { createRedis } from "~/redis/redis.server";
import { ZohoClient, type ZohoClientOptions, backoffMs, shouldRetry } from "./client.server";
import {
  ZohoAuthError,
  ZohoConflictError,
  ZohoDailyQuotaError,
  ZohoNotFoundError,
  ZohoRateLimitError,
  ZohoTransientError,
  ZohoValidationError,
  toZohoError,
} from "./errors";
import { ZohoRateLimiter } from "./rate-limit.server";

// A host of its own, so these one-off handlers never meet the Books simulator.
const BASE = "https://books.client-test.example/books/v3";
const ORG = "700001";

class FakeTokens {
  current = "1000.tok-one";
  refreshes: string[] = [];
  getAccessToken = async () => this.current;
  refreshAccessToken = async (rejected: string) => {
    this.refreshes.push(rejected);
    this.current = `1000.tok-${this.refreshes.length + 1}`;
    return this.current;
  };
}

function setup(overrides: Partial<ZohoClientOptions> = {}) {
  const tokens = new FakeTokens();
  const sleeps: number[] = [];
  const lines: string[] = [];
  const logger = createLogger(
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  logger.level = "debug";
  const client = new ZohoClient({
    apiBaseUrl: BASE,
    organizationId: ORG,
    tokens,
    limiter: null,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    logger,
    ...overrides,
  });
  return { client, tokens, sleeps, lines };
}

/** Answers each request with the next response in `answers` (the last one repeats); records requests. */
function sequence(
  method: "get" | "post" | "put" | "delete",
  path: string,
  answers: Array<() => Response | Promise<Response>>,
) {
  const seen: Request[] = [];
  server.use(
    http[method](`${BASE}${path}`, async ({ request }) => {
      seen.push(request.clone());
      const answer = answers[Math.min(seen.length - 1, answers.length - 1)]!;
      return answer();
    }),
  );
  return seen;
}

const ok =
  (body: Record<string, unknown> = {}, status = 200) =>
  () =>
    HttpResponse.json({ code: 0, message: "success", ...body }, { status });
const fail = (status: number, code: number, message: string, headers?: Record<string, string>) => () =>
  HttpResponse.json({ code, message }, { status, ...(headers ? { headers } : {}) });

describe("ZohoClient requests", () => {
  it("sends organization_id, the Zoho-oauthtoken header and a JSON body, and returns the envelope", async () => {
    const { client } = setup();
    const seen = sequence("post", "/invoices", [
      ok({ invoice: { invoice_id: "460000000012345", total: "10.00" } }, 201),
    ]);

    const res = await client.post<{ code: number; invoice: { invoice_id: string } }>(
      "/invoices",
      { customer_id: "1", line_items: [{ name: "Tee", rate: 10, quantity: 1 }] },
      { send: false, ignored: undefined },
    );

    expect(res.code).toBe(0);
    expect(res.invoice.invoice_id).toBe("460000000012345");
    expect(seen).toHaveLength(1);
    const request = seen[0]!;
    const url = new URL(request.url);
    expect(url.searchParams.get("organization_id")).toBe(ORG);
    expect(url.searchParams.get("send")).toBe("false");
    expect(url.searchParams.has("ignored")).toBe(false);
    expect(request.headers.get("authorization")).toBe("Zoho-oauthtoken 1000.tok-one");
    expect(request.headers.get("content-type")).toBe("application/json");
    expect(await request.json()).toEqual({ customer_id: "1", line_items: [{ name: "Tee", rate: 10, quantity: 1 }] });
    expect(client.requestCount).toBe(1);
  });

  it("omits organization_id when the client has none (GET /organizations)", async () => {
    const { client } = setup({ organizationId: undefined });
    const seen = sequence("get", "/organizations", [ok({ organizations: [] })]);
    await client.get("/organizations");
    expect(new URL(seen[0]!.url).searchParams.has("organization_id")).toBe(false);
  });

  it("treats code ≠ 0 on HTTP 200 as an error, with Zoho's message, and does not retry it", async () => {
    const { client } = setup();
    const seen = sequence("get", "/contacts", [
      () => HttpResponse.json({ code: 2, message: "Invalid value passed for page" }),
    ]);
    const err = await client.get("/contacts", { page: -1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoValidationError);
    expect((err as ZohoValidationError).message).toBe("Invalid value passed for page");
    expect((err as ZohoValidationError).info).toMatchObject({ status: 200, code: 2, method: "GET" });
    expect(seen).toHaveLength(1);
  });

  it.each([
    ["404 / 1002", fail(404, 1002, "Invoice does not exist."), ZohoNotFoundError],
    ["3062", fail(400, 3062, 'The customer "Ann Lee" already exists.'), ZohoConflictError],
    [
      "45",
      fail(429, 45, "The API call for this organization has exceeded the maximum call rate limit of 1000."),
      ZohoDailyQuotaError,
    ],
    ["1038", fail(400, 1038, "JSON is not well formed"), ZohoValidationError],
  ] as const)("maps %s to its class after exactly one request", async (_label, answer, cls) => {
    const { client } = setup();
    const seen = sequence("get", "/invoices/9", [answer]);
    await expect(client.get("/invoices/9")).rejects.toBeInstanceOf(cls);
    expect(seen).toHaveLength(1);
  });

  it("does not wait out a per-minute 429 (44): throws with Retry-After, or 60 s without it", async () => {
    const { client, sleeps } = setup();
    sequence("get", "/invoices", [
      fail(429, 44, "blocked: maximum number of requests per minute", { "Retry-After": "17" }),
    ]);
    const err = (await client.get("/invoices").catch((e: unknown) => e)) as ZohoRateLimitError;
    expect(err).toBeInstanceOf(ZohoRateLimitError);
    expect(err.retryAfterMs).toBe(17_000);
    expect(client.requestCount).toBe(1);
    expect(sleeps).toEqual([]);

    const { client: second } = setup();
    sequence("get", "/items", [fail(429, 44, "blocked")]);
    await expect(second.get("/items")).rejects.toMatchObject({ retryAfterMs: 60_000 });
  });

  it("accepts an empty 200 answer to DELETE", async () => {
    const { client } = setup();
    sequence("delete", "/invoices/5", [() => new HttpResponse(null, { status: 200 })]);
    await expect(client.delete("/invoices/5")).resolves.toEqual({ code: 0, message: "" });
  });

  it("turns a 200 that is not JSON into a transient error", async () => {
    const { client } = setup();
    sequence("get", "/invoices/6", [() => new HttpResponse("<html>login</html>", { status: 200 })]);
    await expect(client.get("/invoices/6")).rejects.toMatchObject({
      name: "ZohoTransientError",
      info: { status: 200 },
    });
  });
});

describe("ZohoClient retries", () => {
  it("retries 5xx on GET with growing backoff, then succeeds", async () => {
    const { client, sleeps } = setup();
    const seen = sequence("get", "/invoices/1", [
      fail(500, 1000, "Internal error"),
      () => new HttpResponse("<html>Bad gateway</html>", { status: 502 }),
      ok({ invoice: { invoice_id: "1" } }),
    ]);
    await expect(client.get("/invoices/1")).resolves.toMatchObject({ invoice: { invoice_id: "1" } });
    expect(seen).toHaveLength(3);
    expect(client.requestCount).toBe(3);
    expect(sleeps).toEqual([backoffMs(0, () => 0.5), backoffMs(1, () => 0.5)]);
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]!);
  });

  it("gives up after maxRetries with the transient error", async () => {
    const { client } = setup({ maxRetries: 1 });
    const seen = sequence("get", "/invoices/2", [fail(503, 1000, "Internal error")]);
    await expect(client.get("/invoices/2")).rejects.toBeInstanceOf(ZohoTransientError);
    expect(seen).toHaveLength(2);
  });

  it("retries a PUT that timed out, then succeeds", async () => {
    const { client } = setup({ timeoutMs: 25 });
    const seen = sequence("put", "/invoices/3", [
      async () => {
        await delay(300);
        return HttpResponse.json({ code: 0, message: "late" });
      },
      ok({ invoice: { invoice_id: "3" } }),
    ]);
    await expect(client.put("/invoices/3", { notes: "x" })).resolves.toMatchObject({ invoice: { invoice_id: "3" } });
    expect(seen).toHaveLength(2);
  });

  it("retries network failures on GET", async () => {
    const { client } = setup();
    const seen = sequence("get", "/contacts/4", [() => HttpResponse.error(), ok({ contact: { contact_id: "4" } })]);
    await expect(client.get("/contacts/4")).resolves.toMatchObject({ contact: { contact_id: "4" } });
    expect(seen).toHaveLength(2);
  });

  it("never repeats a POST after a 5xx: Zoho may have created the invoice", async () => {
    const { client, sleeps } = setup();
    const seen = sequence("post", "/invoices", [fail(500, 1000, "Internal error"), ok({}, 201)]);
    await expect(client.post("/invoices", { customer_id: "1" })).rejects.toBeInstanceOf(ZohoTransientError);
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("never repeats a POST after a timeout", async () => {
    const { client } = setup({ timeoutMs: 25 });
    const seen = sequence("post", "/invoices", [
      async () => {
        await delay(300);
        return HttpResponse.json({ code: 0, message: "created" }, { status: 201 });
      },
    ]);
    const err = await client.post("/invoices", { customer_id: "1" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoTransientError);
    expect((err as ZohoTransientError).message).toMatch(/did not answer/);
    expect(seen).toHaveLength(1);
  });

  it("retries a 1070 concurrency refusal, even for POST", async () => {
    const { client, sleeps } = setup();
    const seen = sequence("post", "/contacts", [
      fail(429, 1070, "You have reached the maximum number of in process requests allowed."),
      ok({ contact: { contact_id: "77" } }, 201),
    ]);
    await expect(client.post("/contacts", { contact_name: "A" })).resolves.toMatchObject({
      contact: { contact_id: "77" },
    });
    expect(seen).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it("shouldRetry is the single decision", () => {
    const req = (method: string) => ({ method, url: `${BASE}/x` });
    expect(shouldRetry(toZohoError(500, {}, req("GET")), 0, 2)).toBe(true);
    expect(shouldRetry(toZohoError(500, {}, req("DELETE")), 1, 2)).toBe(true);
    expect(shouldRetry(toZohoError(500, {}, req("GET")), 2, 2)).toBe(false);
    expect(shouldRetry(toZohoError(500, {}, req("POST")), 0, 2)).toBe(false);
    expect(shouldRetry(toZohoError(429, { code: 1070 }, req("POST")), 0, 2)).toBe(true);
    expect(shouldRetry(toZohoError(429, { code: 44 }, req("GET")), 0, 2)).toBe(false);
    expect(shouldRetry(toZohoError(400, { code: 1038 }, req("PUT")), 0, 2)).toBe(false);
    expect(shouldRetry(toZohoError(401, { code: 57 }, req("GET")), 0, 2)).toBe(false);
  });
});

describe("ZohoClient token refresh", () => {
  it("on 401/57 refreshes once with the rejected token and retries with the new one", async () => {
    const { client, tokens } = setup();
    const seen = sequence("get", "/invoices/8", [
      fail(401, 57, "You are not authorized to perform this operation"),
      ok({ invoice: { invoice_id: "8" } }),
    ]);
    await expect(client.get("/invoices/8")).resolves.toMatchObject({ invoice: { invoice_id: "8" } });
    expect(tokens.refreshes).toEqual(["1000.tok-one"]);
    expect(seen.map((r) => r.headers.get("authorization"))).toEqual([
      "Zoho-oauthtoken 1000.tok-one",
      "Zoho-oauthtoken 1000.tok-2",
    ]);
  });

  it("a second 401 is a ZohoAuthError, with one refresh only", async () => {
    const { client, tokens } = setup();
    const seen = sequence("post", "/invoices", [fail(401, 57, "You are not authorized to perform this operation")]);
    const err = await client.post("/invoices", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoAuthError);
    expect((err as ZohoAuthError).message).toBe("You are not authorized to perform this operation");
    expect(tokens.refreshes).toHaveLength(1);
    expect(seen).toHaveLength(2);
  });

  it("passes a refresh failure through unchanged", async () => {
    const { client, tokens } = setup();
    tokens.refreshAccessToken = async () => {
      throw new ZohoAuthError("Zoho refused the refresh token. Reconnect Zoho Books.", {
        status: 200,
        method: "POST",
        url: "x",
      });
    };
    sequence("get", "/invoices/10", [fail(401, 57, "You are not authorized to perform this operation")]);
    await expect(client.get("/invoices/10")).rejects.toThrow(/Reconnect Zoho Books/);
    expect(client.requestCount).toBe(1);
  });
});

describe("ZohoClient redaction", () => {
  it("keeps the access token and customer search values out of errors and logs", async () => {
    const { client, lines } = setup({ maxRetries: 1 });
    sequence("get", "/contacts", [fail(500, 1000, "Internal error")]);
    const err = (await client
      .get("/contacts", { email: "ann.lee@example.com" })
      .catch((e: unknown) => e)) as ZohoTransientError;

    expect(err).toBeInstanceOf(ZohoTransientError);
    expect(err.info.url).toContain("email=[REDACTED]");
    expect(err.info.url).toContain(`organization_id=${ORG}`);
    const serialized = JSON.stringify({ err, info: err.info, message: err.message });

    const logs = lines.join("");
    expect(lines.length).toBeGreaterThanOrEqual(3); // two responses + one retry warning
    expect(logs).toContain('"msg":"zoho request retry"');
    expect(logs).toContain('"path":"/books/v3/contacts"');
    for (const text of [serialized, logs]) {
      expect(text).not.toContain("tok-one");
      expect(text).not.toContain("ann.lee");
    }
  });
});

describe("ZohoClient with the Redis limiter", () => {
  const redis = createRedis("worker");
  afterAll(() => redis.quit());

  it("takes a slot per request and refuses with retryAfterMs once the organization's budget is spent", async () => {
    const org = `org-${randomBytes(4).toString("hex")}`;
    let clock = 1_800_000_000_000;
    const limiter = new ZohoRateLimiter({ redis, limit: 2, maxWaitMs: 0, now: () => clock, sleep: async () => {} });
    const { client } = setup({ organizationId: org, limiter });
    const seen = sequence("get", "/invoices", [ok({ invoices: [] })]);

    await client.get("/invoices");
    await client.get("/invoices");
    const err = (await client.get("/invoices").catch((e: unknown) => e)) as ZohoRateLimitError;
    expect(err).toBeInstanceOf(ZohoRateLimitError);
    expect(err.info.status).toBe(0);
    expect(err.retryAfterMs).toBe(60_000);
    expect(seen).toHaveLength(2);
    expect(client.requestCount).toBe(2);

    clock += 60_000;
    await expect(client.get("/invoices")).resolves.toMatchObject({ code: 0 });
  });
});
