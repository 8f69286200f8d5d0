// Failure alerts end to end: real Postgres, nodemailer over real SMTP to a local catcher (smtp-server).
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { createLogger } from "~/logger.server";
import { createMailer, type Mailer } from "~/mail/smtp.server";
import { redactShop } from "~/sync/compliance.server";
import {
  AlertSettingsError,
  DIGEST_INTERVAL_MS,
  getFailureAlertSettings,
  saveFailureAlertSettings,
  sendDigestIfDue,
  sendDueDigests,
} from "~/sync/failure-alerts.server";
import { startSmtpCatcher, type SmtpCatcher } from "~test/harness/smtp-catcher";
import { waitFor, withTestQueues } from "~test/helpers/sync-queue";

let catcher: SmtpCatcher;
let mailer: Mailer;
beforeAll(async () => {
  catcher = await startSmtpCatcher();
  mailer = createMailer(catcher.config());
});
afterAll(async () => {
  mailer.close();
  await catcher.close();
});

const t0 = new Date("2026-12-01T09:00:00Z");
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const newShop = () => `alerts-${randomBytes(4).toString("hex")}.myshopify.com`;
let nextId = 7_100_000 + Math.floor(Math.random() * 100_000) * 10;

/** An order that entered needs_attention at `when`, as the sync records it (row + Activity entry). */
async function refuse(shop: string, when: Date, code: string, name = `#${nextId + 1}`): Promise<string> {
  const orderId = String(++nextId);
  await prisma.orderSync.create({
    data: {
      shop,
      orderId,
      orderName: name,
      status: "needs_attention",
      lastErrorCode: code,
      lastErrorMessage: `Zoho Books refused the request: Contact jane.doe@example.com is inactive (${code})`,
    },
  });
  await prisma.syncEvent.create({
    data: { shop, orderId, kind: "needs_attention", message: "refused", data: { code }, at: when },
  });
  return orderId;
}

const deps = (now: Date) => ({ mailer, apiKey: "testApiKey", now });
const mailsTo = (address: string) => catcher.mails.filter((m) => m.to.includes(address));

describe("failure alert settings", () => {
  it("are off by default; turning them on needs an address and starts counting now", async () => {
    const shop = newShop();
    expect(await getFailureAlertSettings(shop)).toMatchObject({ enabled: false, email: null });
    await expect(saveFailureAlertSettings(shop, { enabled: true, email: " " })).rejects.toThrow(AlertSettingsError);
    await expect(saveFailureAlertSettings(shop, { enabled: true, email: "not an address" })).rejects.toThrow(
      /is not an email address/,
    );
    await refuse(shop, at(-10), "unknown_tax_rate"); // before the alerts: on the Dashboard, not mailed
    await saveFailureAlertSettings(shop, { enabled: true, email: "owner@acme.example" }, at(0));
    expect(await sendDigestIfDue(shop, deps(at(1)))).toEqual({ kind: "nothing" });
  });

  it("go with the shop on shop/redact (the address is the merchant's)", async () => {
    const shop = newShop();
    await saveFailureAlertSettings(shop, { enabled: true, email: "owner@acme.example" });
    await redactShop(shop);
    expect(await prisma.failureAlert.findUnique({ where: { shop } })).toBeNull();
  });
});

describe("failure digests over SMTP", () => {
  it("mails one digest for the failures of the hour, then waits the hour, then mails what came since", async () => {
    const shop = newShop();
    const address = `owner-${shop.slice(7, 15)}@acme.example`;
    await saveFailureAlertSettings(shop, { enabled: true, email: address }, at(0));
    await refuse(shop, at(1), "unknown_tax_rate", "#1001");
    await refuse(shop, at(2), "unknown_tax_rate", "#1002");
    await refuse(shop, at(2), "zoho_4003", "#1003");

    expect(await sendDigestIfDue(shop, deps(at(3)))).toMatchObject({ kind: "sent", orders: 3 });
    const [first] = mailsTo(address);
    expect(mailsTo(address)).toHaveLength(1);
    expect(first!.from).toBe("alerts@app.example");
    expect(first!.subject).toMatch(/^3 orders need your attention: Zoho Books invoices \(alerts-/);
    expect(first!.text).toContain("- Zoho Books has no tax with the order's tax rate (2 orders): #1001, #1002");
    expect(first!.text).toContain("- Zoho Books refused the invoice (Zoho code 4003) (1 order): #1003");
    expect(first!.text).toContain(
      `https://admin.shopify.com/store/${shop.replace(".myshopify.com", "")}/apps/testApiKey/app/orders?status=needs_attention`,
    );
    expect(first!.html).toContain("Review the orders that need attention");
    // No customer data: the stored messages quote Zoho, which names the customer.
    expect(first!.raw).not.toMatch(/jane|inactive/i);

    // Another refusal within the hour: no second email yet.
    await refuse(shop, at(10), "total_mismatch", "#1004");
    expect(await sendDigestIfDue(shop, deps(at(15)))).toEqual({ kind: "throttled", nextAt: at(63) });
    expect(await sendDueDigests({ ...deps(at(40)), onlyShops: new Set([shop]) })).toEqual({
      checked: 0,
      sent: 0,
      failed: 0,
    });
    expect(mailsTo(address)).toHaveLength(1);

    // The hour is over: the sweep mails what came since, only that.
    expect(await sendDueDigests({ ...deps(at(64)), onlyShops: new Set([shop]) })).toEqual({
      checked: 1,
      sent: 1,
      failed: 0,
    });
    const second = mailsTo(address)[1]!;
    expect(second.subject).toMatch(/^1 order needs your attention/);
    expect(second.text).toContain("The Zoho invoice total differs from the Shopify total (1 order): #1004");
    expect(second.text).not.toContain("#1001");
    // Nothing new: nothing sent, however long it waits.
    expect(await sendDigestIfDue(shop, deps(at(200)))).toEqual({ kind: "nothing" });
    expect(mailsTo(address)).toHaveLength(2);
  });

  it("leaves out orders fixed before the digest and sends nothing when all were fixed", async () => {
    const shop = newShop();
    const address = `fixed-${shop.slice(7, 15)}@acme.example`;
    await saveFailureAlertSettings(shop, { enabled: true, email: address }, at(0));
    const fixed = await refuse(shop, at(1), "unknown_tax_rate", "#2001");
    await prisma.orderSync.update({ where: { shop_orderId: { shop, orderId: fixed } }, data: { status: "synced" } });
    expect(await sendDigestIfDue(shop, deps(at(2)))).toEqual({ kind: "nothing" });
    await refuse(shop, at(3), "zoho_4003", "#2002");
    expect(await sendDigestIfDue(shop, deps(at(4)))).toMatchObject({ kind: "sent", orders: 1 });
    expect(mailsTo(address)[0]!.text).not.toContain("#2001");
  });

  it("records an SMTP refusal, keeps the orders, and sends them on the next sweep", async () => {
    const shop = newShop();
    const address = `retry-${shop.slice(7, 15)}@acme.example`;
    await saveFailureAlertSettings(shop, { enabled: true, email: address }, at(0));
    await refuse(shop, at(1), "unknown_tax_rate", "#3001");

    catcher.refuseNext(451, "Mailbox busy, try again later");
    const failed = await sendDigestIfDue(shop, deps(at(2)));
    expect(failed).toMatchObject({ kind: "failed", error: expect.stringMatching(/451.*try again later/) });
    expect(mailsTo(address)).toHaveLength(0);
    expect(await getFailureAlertSettings(shop)).toMatchObject({
      lastSentAt: null,
      lastError: expect.stringMatching(/451/),
      lastFailedAt: at(2),
    });

    // The failed send did not use up the hour: the next sweep (5 minutes later) sends it.
    expect(await sendDueDigests({ ...deps(at(7)), onlyShops: new Set([shop]) })).toMatchObject({ sent: 1 });
    expect(mailsTo(address)).toHaveLength(1);
    expect(mailsTo(address)[0]!.text).toContain("#3001");
    expect(await getFailureAlertSettings(shop)).toMatchObject({ lastSentAt: at(7), lastError: null });
  });

  it("a refused login is recorded and logged without the credentials", async () => {
    const guarded = await startSmtpCatcher({ user: "smtp-user-x1", pass: "s3cret-Pa55word" });
    const wrong = createMailer({ ...guarded.config(), auth: { user: "smtp-user-x1", pass: "wr0ng-Pa55word" } });
    const lines: string[] = [];
    const log = createLogger(
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    log.level = "debug";
    try {
      const shop = newShop();
      await saveFailureAlertSettings(shop, { enabled: true, email: "owner@acme.example" }, at(0));
      await refuse(shop, at(1), "unknown_tax_rate");
      const outcome = await sendDigestIfDue(shop, { mailer: wrong, apiKey: "k", now: at(2), log });
      expect(outcome).toMatchObject({ kind: "failed" });
      const { lastError } = await getFailureAlertSettings(shop);
      expect(lastError).toMatch(/535|Authentication failed|Invalid login/);
      const everything = `${lastError} ${lines.join("")}`;
      expect(lines.join("")).toContain("failure digest not sent");
      expect(everything).not.toMatch(/wr0ng-Pa55word|s3cret-Pa55word|smtp-user-x1|owner@acme/);
    } finally {
      wrong.close();
      await guarded.close();
    }
  });

  it("leaves an event of the last 30 seconds for the next sweep (its transaction may not have committed)", async () => {
    const shop = newShop();
    const address = `settle-${shop.slice(7, 15)}@acme.example`;
    await saveFailureAlertSettings(shop, { enabled: true, email: address }, at(0));
    await refuse(shop, new Date(at(1).getTime() + 10_000), "unknown_tax_rate", "#5001");
    expect(await sendDigestIfDue(shop, deps(new Date(at(1).getTime() + 20_000)))).toEqual({ kind: "nothing" });
    expect(await sendDigestIfDue(shop, deps(at(2)))).toMatchObject({ kind: "sent", orders: 1 });
  });

  it("two sweeps racing for the same hour send one email", async () => {
    const shop = newShop();
    const address = `race-${shop.slice(7, 15)}@acme.example`;
    await saveFailureAlertSettings(shop, { enabled: true, email: address }, at(0));
    await refuse(shop, at(1), "unknown_tax_rate");
    const outcomes = await Promise.all([sendDigestIfDue(shop, deps(at(2))), sendDigestIfDue(shop, deps(at(2)))]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["sent", "throttled"]);
    expect(mailsTo(address)).toHaveLength(1);
  });
});

describe("the worker's failure-alert sweep", () => {
  const { startWorkers } = withTestQueues();

  it("runs as a job scheduler and mails a due digest", async () => {
    const shop = newShop();
    const address = `worker-${shop.slice(7, 15)}@acme.example`;
    const now = Date.now();
    await saveFailureAlertSettings(shop, { enabled: true, email: address }, new Date(now - 120_000));
    await refuse(shop, new Date(now - 60_000), "unknown_tax_rate", "#4001");
    await startWorkers(new Set([shop]), { alerts: { mailer, apiKey: "testApiKey" }, alertsEveryMs: 100 });
    const mail = await waitFor(async () => mailsTo(address)[0], { what: "the digest", timeoutMs: 10_000 });
    expect(mail.text).toContain("#4001");
    expect((await getFailureAlertSettings(shop)).lastSentAt!.getTime()).toBeGreaterThan(now - DIGEST_INTERVAL_MS);
  });
});
