import { afterEach, describe, expect, it } from "vitest";
import {
  TokenDecryptionError,
  decryptSecret,
  decryptionKeys,
  encryptSecret,
  openSecret,
  reencryptSecret,
} from "~/crypto.server";
import { env, parseEnv } from "~/env.server";

const otherKey = Buffer.alloc(32, 9).toString("base64");
const oldKey = Buffer.alloc(32, 3).toString("base64");
const olderKeyHex = Buffer.alloc(32, 4).toString("hex");
const testKey = env.TOKEN_ENCRYPTION_KEY;

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

  it("refuses values that are not ours: other versions, missing or extra parts", () => {
    const [, iv, tag, data] = encryptSecret("secret").split(".");
    for (const bad of ["", "plain-token", `v2.${iv}.${tag}.${data}`, `v1.${iv}.${tag}`, `v1.${iv}.${tag}.${data}.x`]) {
      expect(() => decryptSecret(bad), bad).toThrow(TokenDecryptionError);
    }
  });
});

describe("key rotation (ADR 013)", () => {
  afterEach(() => {
    env.TOKEN_ENCRYPTION_KEY = testKey;
    env.TOKEN_ENCRYPTION_KEY_PREVIOUS = [];
  });

  it("TOKEN_ENCRYPTION_KEY_PREVIOUS: a comma-separated list of valid keys, empty when unset, never echoed when wrong", () => {
    const base = {
      DATABASE_URL: "postgresql://x@127.0.0.1/x",
      SHOPIFY_API_KEY: "k",
      SHOPIFY_API_SECRET: "s",
      SHOPIFY_APP_URL: "https://a.example",
      ZOHO_CLIENT_ID: "i",
      ZOHO_CLIENT_SECRET: "c",
      TOKEN_ENCRYPTION_KEY: testKey,
    };
    expect(parseEnv(base).TOKEN_ENCRYPTION_KEY_PREVIOUS).toEqual([]);
    expect(parseEnv({ ...base, TOKEN_ENCRYPTION_KEY_PREVIOUS: "" }).TOKEN_ENCRYPTION_KEY_PREVIOUS).toEqual([]);
    expect(
      parseEnv({ ...base, TOKEN_ENCRYPTION_KEY_PREVIOUS: ` ${oldKey} ,${olderKeyHex}` }).TOKEN_ENCRYPTION_KEY_PREVIOUS,
    ).toEqual([oldKey, olderKeyHex]);
    const half = oldKey.slice(0, 20);
    let message = "";
    try {
      parseEnv({ ...base, TOKEN_ENCRYPTION_KEY_PREVIOUS: `${oldKey},${half}` });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/TOKEN_ENCRYPTION_KEY_PREVIOUS: each comma-separated key must be 32 bytes/);
    expect(message).not.toContain(half);
  });

  it("a value written with the old key is readable once the old key is listed as previous", () => {
    const stored = encryptSecret("1000.old.refresh", oldKey);
    env.TOKEN_ENCRYPTION_KEY = otherKey; // the new key
    expect(() => decryptSecret(stored)).toThrow(TokenDecryptionError); // new key alone: no

    env.TOKEN_ENCRYPTION_KEY_PREVIOUS = [olderKeyHex, oldKey];
    expect(decryptionKeys()).toEqual([otherKey, olderKeyHex, oldKey]);
    expect(openSecret(stored)).toEqual({ plaintext: "1000.old.refresh", keyIndex: 2 });
  });

  it("new writes use the current key only: decryptable with it alone, not with the previous key", () => {
    env.TOKEN_ENCRYPTION_KEY = otherKey;
    env.TOKEN_ENCRYPTION_KEY_PREVIOUS = [oldKey];
    const stored = encryptSecret("1000.new.access");
    expect(decryptSecret(stored, otherKey)).toBe("1000.new.access");
    expect(() => decryptSecret(stored, oldKey)).toThrow(TokenDecryptionError);
    expect(openSecret(stored).keyIndex).toBe(0);
  });

  it("reencryptSecret moves an old value to the current key and leaves a current one untouched", () => {
    const keys = [otherKey, oldKey];
    const old = encryptSecret("1000.rt", oldKey);
    const moved = reencryptSecret(old, keys);
    expect(moved.rotated).toBe(true);
    expect(decryptSecret(moved.value, otherKey)).toBe("1000.rt");

    const again = reencryptSecret(moved.value, keys);
    expect(again).toEqual({ value: moved.value, rotated: false }); // idempotent: the same string
  });

  it("a key in neither list gives TokenDecryptionError, never a wrong plaintext", () => {
    const stored = encryptSecret("1000.rt", olderKeyHex);
    env.TOKEN_ENCRYPTION_KEY = otherKey;
    env.TOKEN_ENCRYPTION_KEY_PREVIOUS = [oldKey];
    expect(() => decryptSecret(stored)).toThrow(TokenDecryptionError);
    expect(() => reencryptSecret(stored)).toThrow(/TOKEN_ENCRYPTION_KEY_PREVIOUS/);
  });
});
