// The one module that talks SMTP (style §5.4): failure alerts (ADR 021) go through nodemailer with
// the server's SMTP settings (app/env.server.ts). A failed send becomes a MailError whose message
// is safe to store and show: SMTP's answer, never the credentials.
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import type { SmtpConfig } from "~/env.server";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/** The SMTP server refused or could not be reached. `message` carries no credentials. */
export class MailError extends Error {
  override readonly name = "MailError";

  constructor(
    message: string,
    /** nodemailer's code ("EAUTH", "ECONNECTION", "EENVELOPE", "ETIMEDOUT"…) and SMTP's reply code. */
    readonly info: { code?: string; responseCode?: number },
  ) {
    super(message);
  }
}

/** Short waits: a sweep must not hang on a dead server (the next sweep tries again). */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as const;

export function createMailer(config: SmtpConfig): Mailer {
  const options: SMTPTransport.Options = {
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.auth ? { auth: { user: config.auth.user, pass: config.auth.pass } } : {}),
    ...TIMEOUTS,
    // nodemailer's own logger stays off: its debug output would include the AUTH exchange.
    logger: false,
    debug: false,
  };
  const transport = nodemailer.createTransport(options);
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({ from: config.from, ...mail });
        return { messageId: String(info.messageId ?? "") };
      } catch (err) {
        throw toMailError(err, config);
      }
    },
    close: () => transport.close(),
  };
}

/** nodemailer's error → MailError, with any credential text removed (a server may echo the user name). */
export function toMailError(err: unknown, config: Pick<SmtpConfig, "auth">): MailError {
  const e = (err ?? {}) as { message?: unknown; code?: unknown; responseCode?: unknown };
  let message = typeof e.message === "string" && e.message ? e.message : "The SMTP server did not accept the email.";
  for (const secret of [config.auth?.pass, config.auth?.user]) {
    if (secret && secret.length >= 3) message = message.split(secret).join("[REDACTED]");
  }
  return new MailError(message.slice(0, 500), {
    ...(typeof e.code === "string" ? { code: e.code } : {}),
    ...(typeof e.responseCode === "number" ? { responseCode: e.responseCode } : {}),
  });
}
