// AES-256-GCM for Zoho tokens at rest (ADR 004). Format: "v1.<iv b64>.<tag b64>.<ciphertext b64>".
// GCM authenticates: a wrong key or a tampered value throws TokenDecryptionError, never garbage.
//
// Key rotation (ADR 013): encryption always uses TOKEN_ENCRYPTION_KEY; decryption tries it first,
// then each of TOKEN_ENCRYPTION_KEY_PREVIOUS in order. A wrong key fails GCM's tag check cleanly, so
// trying several keys cannot return a wrong plaintext. scripts/rotate-encryption-key.ts re-encrypts
// the stored values with the current key, after which the previous keys can be removed.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { decodeKey, env } from "~/env.server";

export class TokenDecryptionError extends Error {
  constructor(
    message = "Cannot decrypt a stored Zoho token: neither TOKEN_ENCRYPTION_KEY nor any of TOKEN_ENCRYPTION_KEY_PREVIOUS is the key it was encrypted with, or the value was altered",
  ) {
    super(message);
    this.name = "TokenDecryptionError";
  }
}

function keyFrom(value: string): Buffer {
  const key = decodeKey(value);
  if (!key) throw new Error("TOKEN_ENCRYPTION_KEY must be 32 bytes (base64 or hex)");
  return key;
}

/** The keys decryption tries, current first. */
export function decryptionKeys(): string[] {
  return [env.TOKEN_ENCRYPTION_KEY, ...env.TOKEN_ENCRYPTION_KEY_PREVIOUS];
}

export function encryptSecret(plaintext: string, keyValue: string = env.TOKEN_ENCRYPTION_KEY): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFrom(keyValue), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")].join(".");
}

/**
 * The plaintext and the index (in `keys`) of the key that opened it. `keys` defaults to the current
 * key followed by the previous ones; a single string means that key only.
 */
export function openSecret(
  stored: string,
  keys: string | readonly string[] = decryptionKeys(),
): { plaintext: string; keyIndex: number } {
  const [version, iv, tag, data, extra] = stored.split(".");
  if (version !== "v1" || !iv || !tag || data === undefined || extra !== undefined)
    throw new TokenDecryptionError("Stored Zoho token has an unknown format");
  const list = typeof keys === "string" ? [keys] : keys;
  for (const [keyIndex, keyValue] of list.entries()) {
    try {
      const decipher = createDecipheriv("aes-256-gcm", keyFrom(keyValue), Buffer.from(iv, "base64"));
      decipher.setAuthTag(Buffer.from(tag, "base64"));
      const plaintext = Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString(
        "utf8",
      );
      return { plaintext, keyIndex };
    } catch {
      // not this key (or altered): try the next one
    }
  }
  throw new TokenDecryptionError();
}

export function decryptSecret(stored: string, keys: string | readonly string[] = decryptionKeys()): string {
  return openSecret(stored, keys).plaintext;
}

/**
 * `stored` encrypted with the current key: unchanged (`rotated: false`) when the current key already
 * opens it, else decrypted with a previous key and encrypted again with the current one.
 */
export function reencryptSecret(
  stored: string,
  keys: readonly string[] = decryptionKeys(),
): { value: string; rotated: boolean } {
  const { plaintext, keyIndex } = openSecret(stored, keys);
  if (keyIndex === 0) return { value: stored, rotated: false };
  return { value: encryptSecret(plaintext, keys[0]), rotated: true };
}
