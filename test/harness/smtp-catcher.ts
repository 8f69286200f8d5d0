// A local SMTP server that keeps what it receives (smtp-server), for the failure-alert tests: the
// app's real nodemailer transport talks real SMTP to it over TCP. Faults: refuse the next message
// with an SMTP reply code, or require a login.
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import type { SmtpConfig } from "~/env.server";

export interface CaughtMail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
  /** The text/plain part, transfer-decoded. */
  text: string;
  /** The text/html part, transfer-decoded. */
  html: string;
}

export interface SmtpCatcher {
  port: number;
  mails: CaughtMail[];
  /** Refuse the next message's data with this reply (e.g. 451 "try again later"). */
  refuseNext(code: number, message: string): void;
  /** Transport settings for the app, from `from`. */
  config(from?: string): SmtpConfig;
  close(): Promise<void>;
}

export async function startSmtpCatcher(login?: { user: string; pass: string }): Promise<SmtpCatcher> {
  const mails: CaughtMail[] = [];
  const refusals: Array<{ code: number; message: string }> = [];
  const options: SMTPServerOptions = {
    secure: false,
    logger: false,
    disabledCommands: login ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !login,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (login && auth.username === login.user && auth.password === login.pass)
        callback(null, { user: auth.username });
      else callback(Object.assign(new Error("Authentication failed"), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const refusal = refusals.shift();
        if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
        const raw = Buffer.concat(chunks).toString("utf8");
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject: header(raw, "subject"),
          text: part(raw, "text/plain"),
          html: part(raw, "text/html"),
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    mails,
    refuseNext: (code, message) => refusals.push({ code, message }),
    config: (from = "Zoho Books sync <alerts@app.example>") => ({
      host: "127.0.0.1",
      port,
      secure: false,
      ...(login ? { auth: login } : {}),
      from,
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function unfold(raw: string): string {
  return raw.replace(/\r?\n[ \t]+/g, " ");
}

function header(raw: string, name: string): string {
  const head = unfold(raw.split(/\r?\n\r?\n/)[0] ?? "");
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line ? line.slice(name.length + 1).trim() : "";
}

/** The body of the first MIME part of this type, quoted-printable or base64 decoded. */
function part(raw: string, type: string): string {
  const sections = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  for (const section of sections) {
    const [head = "", ...body] = section.split(/\r?\n\r?\n/);
    const h = unfold(head).toLowerCase();
    if (!h.includes(`content-type: ${type}`)) continue;
    const content = body.join("\r\n\r\n").replace(/\r?\n--[^\r\n]+--\s*$/, "");
    if (h.includes("content-transfer-encoding: base64"))
      return Buffer.from(content.replace(/\s+/g, ""), "base64").toString("utf8");
    if (h.includes("content-transfer-encoding: quoted-printable"))
      return Buffer.from(
        content
          .replace(/=\r?\n/g, "")
          .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        "latin1",
      ).toString("utf8");
    return content;
  }
  return "";
}
