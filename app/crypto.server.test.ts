import { describe, expect, it } from "vitest";
import { TokenDecryptionError, decryptSecret, encryptSecret } from "~/crypto.server";

const otherKey = Buffer.alloc(32, 9).toString("base64");

describe("token encryption (AES-256-GCM)", () => {
  it("round-trips and never stores the plaintext", () => {
    const stored = encryptSecret("1000.refresh.token");
    expect(stored).not.toContain("refresh");
    expect(stored.startsWith("v1.")).toBe(true);
    expect(decryptSecret(stored)).toBe("1000.refresh.token");
  });

  it("uses a fresh IV each time", () => {
    expect(encryptSecret("same")).not.toBe(encryptSecret("same"));
  });

  it("refuses a wrong key with a clear error instead of returning garbage", () => {
    const stored = encryptSecret("secret");
    expect(() => decryptSecret(stored, otherKey)).toThrow(TokenDecryptionError);
    expect(() => decryptSecret(stored, otherKey)).toThrow(/TOKEN_ENCRYPTION_KEY/);
  });

  it("refuses a tampered value", () => {
    const [v, iv, tag, data] = encryptSecret("secret").split(".");
    const flipped = Buffer.from(data!, "base64");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => decryptSecret([v, iv, tag, flipped.toString("base64")].join("."))).toThrow(TokenDecryptionError);
  });
});
