import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "~/env.server";

const valid = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/x",
  SHOPIFY_API_KEY: "k",
  SHOPIFY_API_SECRET: "s",
  SHOPIFY_APP_URL: "https://app.example.com",
  ZOHO_CLIENT_ID: "1000.X",
  ZOHO_CLIENT_SECRET: "y",
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
};

describe("parseEnv", () => {
  it("accepts a complete environment and derives the Zoho redirect URI", () => {
    const env = parseEnv(valid);
    expect(env.ZOHO_REDIRECT_URI).toBe("https://app.example.com/zoho/callback");
    expect(env.REDIS_URL).toBe("redis://127.0.0.1:6379");
  });

  it("names every missing or invalid variable", () => {
    const { ZOHO_CLIENT_ID: _omit, ...rest } = valid;
    let error: unknown;
    try {
      parseEnv({ ...rest, TOKEN_ENCRYPTION_KEY: "short", DATABASE_URL: "mysql://x" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    expect(message).toMatch(/ZOHO_CLIENT_ID: is required/);
    expect(message).toMatch(/TOKEN_ENCRYPTION_KEY: must be 32 bytes/);
    expect(message).toMatch(/DATABASE_URL: must be a postgresql/);
  });

  it("takes a REDIS_PREFIX with one Redis Cluster hash tag, and nothing that would split a queue's keys", () => {
    for (const prefix of ["zbs", "zbs-eu_2", "{zbs}", "{zbs}-eu", "zbs-{eu}"])
      expect(parseEnv({ ...valid, REDIS_PREFIX: prefix }).REDIS_PREFIX).toBe(prefix);
    expect(parseEnv(valid).REDIS_PREFIX).toBe("zbs");
    // An empty tag hashes the whole key; two tags, a colon or a space are mistakes.
    for (const prefix of ["{}", "{zbs", "zbs}", "{a}{b}", "{a}-{b}", "{zb{s}}", "zbs:eu", "{zbs:eu}", "zbs eu", ""]) {
      expect(() => parseEnv({ ...valid, REDIS_PREFIX: prefix }), prefix).toThrow(
        /REDIS_PREFIX: letters, digits, - and _, with at most one \{hash tag\}/,
      );
    }
  });

  it("REDIS_CLUSTER needs a hash-tagged prefix; DATABASE_POOL_MAX sizes the pool", () => {
    expect(parseEnv(valid)).toMatchObject({ REDIS_CLUSTER: false, DATABASE_POOL_MAX: 10 });
    expect(parseEnv({ ...valid, REDIS_CLUSTER: "true", REDIS_PREFIX: "{zbs}" })).toMatchObject({
      REDIS_CLUSTER: true,
      REDIS_PREFIX: "{zbs}",
    });
    expect(() => parseEnv({ ...valid, REDIS_CLUSTER: "true" })).toThrow(
      /REDIS_PREFIX: must carry a \{hash tag\} with REDIS_CLUSTER=true/,
    );
    expect(() => parseEnv({ ...valid, REDIS_CLUSTER: "yes" })).toThrow(/REDIS_CLUSTER/);
    expect(parseEnv({ ...valid, DATABASE_POOL_MAX: "4" }).DATABASE_POOL_MAX).toBe(4);
    expect(() => parseEnv({ ...valid, DATABASE_POOL_MAX: "0" })).toThrow(/DATABASE_POOL_MAX/);
  });

  it("takes a local App Bridge stand-in outside production only", () => {
    const standIn = "data:text/javascript;base64,KCk9Pnt9";
    expect(parseEnv({ ...valid, APP_BRIDGE_URL: standIn }).APP_BRIDGE_URL).toBe(standIn);
    expect(parseEnv({ ...valid, APP_BRIDGE_URL: "" }).APP_BRIDGE_URL).toBeUndefined();
    expect(() => parseEnv({ ...valid, APP_BRIDGE_URL: "javascript:alert(1)" })).toThrow(
      /APP_BRIDGE_URL: must be an http\(s\) URL/,
    );
    expect(() => parseEnv({ ...valid, NODE_ENV: "production", APP_BRIDGE_URL: standIn })).toThrow(
      /APP_BRIDGE_URL: must not be set in production/,
    );
  });

  it("SMTP settings are optional; a URL or host/port/user/pass, with a sender", () => {
    expect(parseEnv(valid).smtp).toBeNull();
    expect(
      parseEnv({ ...valid, SMTP_URL: "smtps://alerts%40shop:p%40ss@mail.example.com", SMTP_FROM: "a@b.example" }).smtp,
    ).toEqual({
      host: "mail.example.com",
      port: 465,
      secure: true,
      auth: { user: "alerts@shop", pass: "p@ss" },
      from: "a@b.example",
    });
    expect(
      parseEnv({ ...valid, SMTP_HOST: "mail.example.com", SMTP_USER: "u", SMTP_PASS: "p", SMTP_FROM: "a@b.example" })
        .smtp,
    ).toEqual({
      host: "mail.example.com",
      port: 587,
      secure: false,
      auth: { user: "u", pass: "p" },
      from: "a@b.example",
    });
    expect(() => parseEnv({ ...valid, SMTP_HOST: "mail.example.com" })).toThrow(/SMTP_FROM: is required/);
    expect(() => parseEnv({ ...valid, SMTP_URL: "http://mail.example.com", SMTP_FROM: "a@b.example" })).toThrow(
      /SMTP_URL: must be smtp:\/\/ or smtps:\/\//,
    );
  });
});
