// pino, with every path that can carry a secret or customer PII redacted (style §5.13).
// Log known shapes (ids, codes), never raw request/response bodies.
import pino, { type DestinationStream, type Logger } from "pino";
import { env } from "~/env.server";

export const REDACT_PATHS = [
  "req.headers.authorization",
  "*.headers.authorization",
  "headers.authorization",
  "authorization",
  "access_token",
  "refresh_token",
  "client_secret",
  "*.access_token",
  "*.refresh_token",
  "*.client_secret",
  "*.accessToken",
  "*.refreshToken",
  "*.email",
  "*.phone",
  "*.billing_address",
  "payload",
];

/**
 * Error text is not ours: Zoho quotes what it refused ("Invalid value passed for notes: jane@…"), and
 * it travels on as a reason or message; a library may echo a header. Paths cannot reach inside a
 * string, so every string of a log entry (and of a serialized error: message, stack, cause) has email
 * addresses and Authorization values masked.
 */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const AUTH_VALUE = /\b(Zoho-oauthtoken|Bearer)\s+[^\s"',;]+/gi;

export function scrubText(text: string): string {
  return text.replace(EMAIL, "[EMAIL]").replace(AUTH_VALUE, "$1 [REDACTED]");
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubText(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return scrub(pino.stdSerializers.err(value), depth + 1);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}

export function createLogger(destination?: DestinationStream): Logger {
  return pino(
    {
      level: env.LOG_LEVEL,
      redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
      serializers: { err: (err: unknown) => scrub(err) },
      formatters: { log: (entry) => scrub(entry) as Record<string, unknown> },
      base: undefined,
    },
    destination,
  );
}

export const logger: Logger = createLogger();
export type { Logger };
