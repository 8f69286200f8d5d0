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

export function createLogger(destination?: DestinationStream): Logger {
  return pino(
    {
      level: env.LOG_LEVEL,
      redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
      base: undefined,
    },
    destination,
  );
}

export const logger: Logger = createLogger();
export type { Logger };
