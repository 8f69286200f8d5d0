// The simulator's HTTP plumbing: Zoho's JSON envelope ({ code, message, ... }), errors thrown as
// SimError and answered by the handler, body and query parsing with Zoho's validation messages.
import { HttpResponse } from "msw";
import type { SimOrganization } from "./state";

/** A request addressed to one organization: `seg` is the path split on "/" ("invoices", id, "status", "sent"). */
export interface OrgRequest {
  request: Request;
  method: string;
  org: SimOrganization;
  q: URLSearchParams;
  seg: string[];
}

export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function fail(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return HttpResponse.json({ code, message }, { status, headers });
}

export function ok(body: Record<string, unknown>, message = "success", status = 200): Response {
  return HttpResponse.json({ code: 0, message, ...body }, { status });
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function invalid(field: string, detail?: string): SimError {
  return new SimError(
    400,
    2,
    detail ? `Invalid value passed for ${field}: ${detail}` : `Invalid value passed for ${field}`,
  );
}

export function optString(body: Record<string, unknown>, field: string, max?: number): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalid(field);
  if (max !== undefined && v.length > max) throw invalid(field, `at most ${max} characters`);
  return v;
}

export function optNumber(body: Record<string, unknown>, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === "") return undefined;
  // Zoho's JSON parser accepts numeric strings too.
  const n =
    typeof v === "number" ? v : typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw invalid(field);
  return n;
}

export function optBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw invalid(field);
  return v;
}

export async function readJson(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  const text = await request.text();
  const notJson = new SimError(400, 1038, "JSON is not well formed");
  if (!/application\/json/i.test(type)) throw notJson;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw notJson;
  }
  if (!isObject(parsed)) throw notJson;
  return parsed;
}

export function page<T>(all: T[], q: URLSearchParams): { items: T[]; page_context: Record<string, unknown> } {
  const pageNo = Math.max(1, Number(q.get("page") ?? 1) || 1);
  const perPage = Math.min(200, Math.max(1, Number(q.get("per_page") ?? 200) || 200));
  const items = all.slice((pageNo - 1) * perPage, pageNo * perPage);
  return { items, page_context: { page: pageNo, per_page: perPage, has_more_page: all.length > pageNo * perPage } };
}

/** Zoho's `<field>`, `<field>_startswith`, `<field>_contains` search filters (case-insensitive). */
export function textFilter(q: URLSearchParams, field: string, value: string | undefined): boolean {
  const v = (value ?? "").toLowerCase();
  for (const [suffix, test] of [
    ["", (x: string) => v === x],
    ["_startswith", (x: string) => v.startsWith(x)],
    ["_contains", (x: string) => v.includes(x)],
  ] as const) {
    const wanted = q.get(field + suffix);
    if (wanted === null) continue;
    if (wanted.length > 100) throw invalid(field + suffix, "at most 100 characters");
    if (!test(wanted.toLowerCase())) return false;
  }
  return true;
}

export function notFound(what: string): SimError {
  return new SimError(404, 1002, `${what} does not exist.`);
}

export function methodNotAllowed(method: string): SimError {
  return new SimError(405, 37, `The HTTP method ${method} is not allowed for the requested resource`);
}
