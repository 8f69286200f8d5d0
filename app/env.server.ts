// The only module that reads process.env. Parsed once on import; a missing or invalid variable stops
// the process with a message that names each one (design §2, style §5.6).
import { z } from "zod";

const url = z.string().url();
const emptyToUndefined = (v: unknown) => (v === "" ? undefined : v);

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL"),
  /** PostgreSQL connections per process (pg pool `max`); the budget is this × processes (docs/operations.md). */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  REDIS_URL: url.default("redis://127.0.0.1:6379"),
  /**
   * "true": REDIS_URL is one node of a Redis Cluster (the others are discovered); REDIS_PREFIX must
   * then carry a {hash tag} so each queue's keys share a slot (BullMQ's requirement, ADR 014).
   */
  REDIS_CLUSTER: z
    .enum(["true", "false", "1", "0", ""])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /** Prefix of every Redis key this app writes (BullMQ queues, limiter, locks). */
  REDIS_PREFIX: z
    .string()
    .regex(
      /^(?:[A-Za-z0-9_-]+|[A-Za-z0-9_-]*\{[A-Za-z0-9_-]+\}[A-Za-z0-9_-]*)$/,
      "letters, digits, - and _, with at most one {hash tag} (Redis Cluster), e.g. {zbs}",
    )
    .default("zbs"),

  SHOPIFY_API_KEY: z.string().min(1),
  SHOPIFY_API_SECRET: z.string().min(1),
  SHOPIFY_APP_URL: url,
  SCOPES: z.string().default("read_orders,write_orders,read_customers,read_all_orders"),

  ZOHO_CLIENT_ID: z.string().min(1),
  ZOHO_CLIENT_SECRET: z.string().min(1),
  /** Defaults to `${SHOPIFY_APP_URL}/zoho/callback`; must be registered in Zoho's API console. */
  ZOHO_REDIRECT_URI: z.preprocess(emptyToUndefined, url.optional()),
  /** Overrides for a sandbox or any Zoho-compatible server (design §8). */
  ZOHO_ACCOUNTS_URL: z.preprocess(emptyToUndefined, url.optional()),
  ZOHO_API_URL: z.preprocess(emptyToUndefined, url.optional()),

  /** Zoho Books limits per organization (design §8): 100 requests/minute; 5 in flight (free plan). */
  ZOHO_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(100),
  ZOHO_MAX_CONCURRENT: z.coerce.number().int().positive().default(5),
  /**
   * Daily Zoho API calls of an organization when its plan is unknown and Zoho has not told us (code 45)
   * yet: the smallest plan's (Free, 1,000). ADR 016.
   */
  ZOHO_DAILY_QUOTA: z.coerce.number().int().positive().default(1000),
  /** Backfill and the catch-up scan stop at this share of the daily quota; live orders keep going. */
  ZOHO_BACKGROUND_QUOTA_SHARE: z.coerce.number().gt(0).max(1).default(0.8),
  /** Sync-order jobs one worker process runs at once (Zoho's per-organization caps still apply). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * How long Zoho's list search may lag behind a write: after a create whose answer we never saw,
   * the invoice is looked up by reference for this long before it is created again (ADR 012).
   */
  ZOHO_SEARCH_SETTLE_SECONDS: z.coerce.number().int().min(0).default(60),

  /**
   * Where the admin pages load App Bridge from (default: Shopify's CDN). Only for opening the pages
   * outside Shopify admin: scripts/serve-demo.ts sets a local stand-in. Refused in production.
   */
  APP_BRIDGE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^(https?:\/\/|data:text\/javascript[;,])/, "must be an http(s) URL or a data:text/javascript URL")
      .optional(),
  ),

  /**
   * Failure alerts by email (ADR 021), all optional: without SMTP_URL or SMTP_HOST the Settings page
   * says alerts are off on this server. SMTP_URL (smtp:// or smtps://user:pass@host:port) or
   * SMTP_HOST/PORT/USER/PASS; SMTP_FROM is the sender address (required with either).
   */
  SMTP_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^smtps?:\/\/[^/]+/, "must be smtp:// or smtps://")
      .optional(),
  ),
  SMTP_HOST: z.preprocess(emptyToUndefined, z.string().optional()),
  /** Default 587 (STARTTLS when offered); 465 is implicit TLS. */
  SMTP_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).optional()),
  SMTP_USER: z.preprocess(emptyToUndefined, z.string().optional()),
  SMTP_PASS: z.preprocess(emptyToUndefined, z.string().optional()),
  SMTP_FROM: z.preprocess(emptyToUndefined, z.string().optional()),

  /** 32 bytes, base64 or 64 hex characters: AES-256-GCM key for Zoho tokens at rest. */
  TOKEN_ENCRYPTION_KEY: z
    .string()
    .refine((v) => decodeKey(v) !== null, "must be 32 bytes as base64 (44 chars) or hex (64 chars)"),
  /**
   * Earlier TOKEN_ENCRYPTION_KEYs, comma-separated, same format; decrypt only (ADR 013). Set while
   * rotating, run `npm run rotate-key`, then remove. Parsed to a list (empty when unset).
   */
  TOKEN_ENCRYPTION_KEY_PREVIOUS: z
    .preprocess(emptyToUndefined, z.string().optional())
    .transform((v) =>
      (v ?? "")
        .split(",")
        .map((k) => k.trim())
        .filter((k) => k !== ""),
    )
    .refine(
      (keys) => keys.every((k) => decodeKey(k) !== null),
      "each comma-separated key must be 32 bytes as base64 (44 chars) or hex (64 chars)",
    ),
});

/** How failure alerts reach an SMTP server (nodemailer transport options); null: alerts are off. */
export interface SmtpConfig {
  host: string;
  port: number;
  /** Implicit TLS (smtps://, port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  auth?: { user: string; pass: string };
  from: string;
}

export type Env = z.infer<typeof envSchema> & { ZOHO_REDIRECT_URI: string; smtp: SmtpConfig | null };

export class EnvError extends Error {
  constructor(readonly problems: Record<string, string[]>) {
    super(
      "Invalid environment — fix these variables (see .env.example):\n" +
        Object.entries(problems)
          .map(([name, msgs]) => `  ${name}: ${msgs.join("; ")}`)
          .join("\n"),
    );
    this.name = "EnvError";
  }
}

export function decodeKey(value: string): Buffer | null {
  const buf = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  return buf.length === 32 ? buf : null;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems: Record<string, string[]> = {};
    for (const issue of result.error.issues) {
      const name = String(issue.path[0] ?? "(root)");
      const msg = issue.code === "invalid_type" && source[name] === undefined ? "is required" : issue.message;
      (problems[name] ??= []).push(msg);
    }
    throw new EnvError(problems);
  }
  const data = result.data;
  if (data.REDIS_CLUSTER && !/\{[^}]+\}/.test(data.REDIS_PREFIX))
    throw new EnvError({
      REDIS_PREFIX: [
        "must carry a {hash tag} with REDIS_CLUSTER=true, e.g. {zbs} (BullMQ keeps each queue in one slot)",
      ],
    });
  // A stand-in App Bridge would let pages run without Shopify admin's session handling: never in production.
  if (data.NODE_ENV === "production" && data.APP_BRIDGE_URL)
    throw new EnvError({ APP_BRIDGE_URL: ["must not be set in production (Shopify's App Bridge is required)"] });
  return {
    ...data,
    ZOHO_REDIRECT_URI: data.ZOHO_REDIRECT_URI ?? new URL("/zoho/callback", data.SHOPIFY_APP_URL).href,
    smtp: smtpConfig(data),
  };
}

type SmtpVars = Pick<
  z.infer<typeof envSchema>,
  "SMTP_URL" | "SMTP_HOST" | "SMTP_PORT" | "SMTP_USER" | "SMTP_PASS" | "SMTP_FROM"
>;

/** SMTP_URL wins over SMTP_HOST…; neither: null (alerts off). A sender is required with either. */
export function smtpConfig(v: SmtpVars): SmtpConfig | null {
  if (!v.SMTP_URL && !v.SMTP_HOST) return null;
  if (!v.SMTP_FROM) throw new EnvError({ SMTP_FROM: ["is required with SMTP_URL or SMTP_HOST (the alerts' sender)"] });
  if (v.SMTP_URL) {
    const url = new URL(v.SMTP_URL);
    const secure = url.protocol === "smtps:";
    const user = decodeURIComponent(url.username);
    return {
      host: url.hostname,
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      ...(user ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
      from: v.SMTP_FROM,
    };
  }
  const port = v.SMTP_PORT ?? 587;
  return {
    host: v.SMTP_HOST!,
    port,
    secure: port === 465,
    ...(v.SMTP_USER ? { auth: { user: v.SMTP_USER, pass: v.SMTP_PASS ?? "" } } : {}),
    from: v.SMTP_FROM,
  };
}

export const env: Env = parseEnv(process.env);
