// AES-256-GCM for Zoho tokens at rest (ADR 004). Format: "v1.<iv b64>.<tag b64>.<ciphertext b64>".
// GCM authenticates: a wrong key or a tampered value throws TokenDecryptionError, never garbage.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { decodeKey, env } from "~/env.server";

export class TokenDecryptionError extends Error {
  constructor(message = "Cannot decrypt a stored Zoho token: TOKEN_ENCRYPTION_KEY is not the key it was encrypted with, or the value was altered") {
    super(message);
    this.name = "TokenDecryptionError";
  }
}

function keyFrom(value: string): Buffer {
  const key = decodeKey(value);
  if (!key) throw new Error("TOKEN_ENCRYPTION_KEY must be 32 bytes (base64 or hex)");
  return key;
}

export function encryptSecret(plaintext: string, keyValue: string = env.TOKEN_ENCRYPTION_KEY): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFrom(keyValue), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")].join(".");
}

export function decryptSecret(stored: string, keyValue: string = env.TOKEN_ENCRYPTION_KEY): string {
  const [version, iv, tag, data] = stored.split(".");
  if (version !== "v1" || !iv || !tag || data === undefined) throw new TokenDecryptionError("Stored Zoho token has an unknown format");
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFrom(keyValue), Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new TokenDecryptionError();
  }
}
