// Encryption-key rotation against the real database and the Zoho simulators (ADR 013): tokens written
// with the old key stay usable while it is listed in TOKEN_ENCRYPTION_KEY_PREVIOUS, every new write
// uses the new key, `npm run rotate-key` moves what is stored to the new key (idempotent, counts only
// on stdout), after which the old key is not needed; a key that is in neither list fails cleanly.
//
// `env` is parsed once per process; this file swaps its key fields (each test file has its own module
// graph) and the rotation is scoped to this file's shops: other files share the database.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { TokenDecryptionError, decryptSecret } from "~/crypto.server";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { listOrganizations } from "~/zoho/connection.server";
import { connectedShop } from "~test/harness/connected-shop";
import { baseEnv, spawnTs } from "~test/harness/processes";
import { expireZohoAccessTokens, zohoAccounts } from "~test/harness/zoho-accounts";
import { rotateEncryptionKey } from "./rotate-encryption-key";

const OLD_KEY = env.TOKEN_ENCRYPTION_KEY; // what connectedShop encrypts with
const NEW_KEY = randomBytes(32).toString("base64");
const STRANGER_KEY = randomBytes(32).toString("hex");

function useKeys(current: string, previous: string[] = []) {
  env.TOKEN_ENCRYPTION_KEY = current;
  env.TOKEN_ENCRYPTION_KEY_PREVIOUS = previous;
}

afterEach(() => useKeys(OLD_KEY));

const row = (shop: string) => prisma.zohoConnection.findUniqueOrThrow({ where: { shop } });

/** Which of `keys` opens `stored` on its own (the one it was written with). */
function writtenWith(stored: string | null, keys: Record<string, string>): string[] {
  return Object.entries(keys)
    .filter(([, key]) => {
      try {
        decryptSecret(stored!, key);
        return true;
      } catch {
        return false;
      }
    })
    .map(([name]) => name);
}
const KEYS = { old: OLD_KEY, new: NEW_KEY, stranger: STRANGER_KEY };

describe("TOKEN_ENCRYPTION_KEY rotation", () => {
  it("old tokens stay usable, new writes use the new key, the rotation leaves nothing on the old key", async () => {
    const a = await connectedShop({ label: "rot-a" });
    const b = await connectedShop({ label: "rot-b" });
    const shops = [a.shop, b.shop];
    // Disconnected: no token columns at all; the rotation must skip it and touch nothing.
    const c = await connectedShop({ label: "rot-c" });
    await prisma.zohoConnection.update({
      where: { shop: c.shop },
      data: { refreshTokenEnc: null, accessTokenEnc: null, status: "disconnected" },
    });
    const cBefore = await row(c.shop);

    // 1. Deployed with the new key, the old one listed as previous: Zoho calls work on old tokens.
    useKeys(NEW_KEY, [OLD_KEY]);
    expect((await listOrganizations(a.shop)).map((o) => o.organization_id)).toContain(
      a.org.organization.organization_id,
    );

    // 2. A token refresh (Zoho says the access token expired: 401) decrypts the old refresh token and
    //    writes the new access token with the new key only.
    expireZohoAccessTokens();
    const refreshesBefore = zohoAccounts.refreshRequests;
    await listOrganizations(a.shop);
    expect(zohoAccounts.refreshRequests).toBe(refreshesBefore + 1);
    const refreshed = await row(a.shop);
    expect(writtenWith(refreshed.accessTokenEnc, KEYS)).toEqual(["new"]);
    expect(writtenWith(refreshed.refreshTokenEnc, KEYS)).toEqual(["old"]);

    // 3. The rotation: a dry run writes nothing, the real one re-encrypts the 3 old values, a second run none.
    const snapshot = await prisma.zohoConnection.findMany({ where: { shop: { in: shops } }, orderBy: { shop: "asc" } });
    const dry = await rotateEncryptionKey({ shops: [...shops, c.shop], dryRun: true, batchSize: 1 });
    expect(dry).toMatchObject({ rows: 3, rotated: 3, current: 1, unreadable: 0 });
    expect(await prisma.zohoConnection.findMany({ where: { shop: { in: shops } }, orderBy: { shop: "asc" } })).toEqual(
      snapshot,
    );

    const first = await rotateEncryptionKey({ shops: [...shops, c.shop], batchSize: 1 });
    expect(first).toMatchObject({ rows: 3, rotated: 3, current: 1, unreadable: 0, unreadableShops: [] });
    const second = await rotateEncryptionKey({ shops: [...shops, c.shop], batchSize: 2 });
    expect(second).toMatchObject({ rows: 3, rotated: 0, current: 4, unreadable: 0 });
    expect(await row(c.shop)).toEqual(cBefore);

    for (const shop of shops) {
      const r = await row(shop);
      expect(writtenWith(r.refreshTokenEnc, KEYS), shop).toEqual(["new"]);
      expect(writtenWith(r.accessTokenEnc, KEYS), shop).toEqual(["new"]);
      expect(zohoAccounts.refreshTokens.has(decryptSecret(r.refreshTokenEnc!, NEW_KEY))).toBe(true); // same token, new key
    }

    // 4. The old key removed: everything still works without it.
    useKeys(NEW_KEY);
    for (const s of [a, b])
      expect((await listOrganizations(s.shop)).map((o) => o.organization_id)).toContain(
        s.org.organization.organization_id,
      );
  });

  it("a key in neither list: TokenDecryptionError, no Zoho call, the row unchanged; the rotation reports it and exits 1", async () => {
    const s = await connectedShop({ label: "rot-lost" });
    const before = await row(s.shop);
    useKeys(STRANGER_KEY, [NEW_KEY]);
    const zohoCalls = zohoAccounts.tokenRequests;

    await expect(listOrganizations(s.shop)).rejects.toBeInstanceOf(TokenDecryptionError);
    const counts = await rotateEncryptionKey({ shops: [s.shop] });
    expect(counts).toMatchObject({ rows: 1, rotated: 0, current: 0, unreadable: 2, unreadableShops: [s.shop] });
    expect(await row(s.shop)).toEqual(before);
    expect(zohoAccounts.tokenRequests).toBe(zohoCalls);
  });

  it("npm run rotate-key: re-encrypts, prints counts and shop domains only, never a token", async () => {
    const s = await connectedShop({ label: "rot-cli" });
    const before = await row(s.shop);
    const plaintexts = [decryptSecret(before.refreshTokenEnc!), decryptSecret(before.accessTokenEnc!)];

    const run = (extra: Record<string, string>, args: string[]) => {
      const child = spawnTs("scripts/rotate-encryption-key.ts", {
        name: "rotate-key",
        env: baseEnv({ LOG_LEVEL: "trace", ...extra }),
        args: ["--shop", s.shop, ...args],
        forwardShopify: false,
      });
      return child.exited.then((status) => ({ status, output: child.output() }));
    };

    const rotated = await run(
      { TOKEN_ENCRYPTION_KEY: NEW_KEY, TOKEN_ENCRYPTION_KEY_PREVIOUS: `${STRANGER_KEY},${OLD_KEY}` },
      ["--batch-size", "10"],
    );
    expect(rotated.status.code, rotated.output).toBe(0);
    expect(rotated.output).toContain("2 previous key(s) configured");
    expect(rotated.output).toMatch(
      /done — 1 connection\(s\), 2 value\(s\) re-encrypted, 0 already on the current key, 0 unreadable/,
    );

    const after = await row(s.shop);
    expect(writtenWith(after.refreshTokenEnc, KEYS)).toEqual(["new"]);
    expect(writtenWith(after.accessTokenEnc, KEYS)).toEqual(["new"]);

    // Nothing to do the second time; a wrong key set: exit 1 naming the shop, the row untouched.
    const again = await run({ TOKEN_ENCRYPTION_KEY: NEW_KEY }, []);
    expect(again.status.code, again.output).toBe(0);
    expect(again.output).toMatch(/2 already on the current key/);
    const lost = await run({ TOKEN_ENCRYPTION_KEY: STRANGER_KEY }, []);
    expect(lost.status.code, lost.output).toBe(1);
    expect(lost.output).toContain(`shops: ${s.shop}`);
    expect(await row(s.shop)).toEqual(after);

    const printed = rotated.output + again.output + lost.output;
    for (const secret of [
      ...plaintexts,
      before.refreshTokenEnc!,
      before.accessTokenEnc!,
      after.refreshTokenEnc!,
      after.accessTokenEnc!,
      NEW_KEY,
      OLD_KEY,
      STRANGER_KEY,
    ]) {
      expect(printed).not.toContain(secret);
    }
    expect(printed).not.toMatch(/v1\.[A-Za-z0-9+/=]+\./);
  });
});
