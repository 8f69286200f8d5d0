import { describe, expect, it } from "vitest";
import { cleanPrefix, defaultReferencePrefix, effectivePrefix, referenceFor } from "./store-reference";

describe("store reference prefixes (ADR 020)", () => {
  it("defaults to the shop's handle, upper-case, unique like the handle itself", () => {
    expect(defaultReferencePrefix("eu-store.myshopify.com")).toBe("EU-STORE");
    expect(defaultReferencePrefix("acme_europe--shop.myshopify.com")).toBe("ACME-EUROPE-SHOP");
    expect(defaultReferencePrefix("acme-europe-store.myshopify.com")).not.toBe(
      defaultReferencePrefix("acme-europe-shop.myshopify.com"),
    );
  });

  it("automatic: none while the store is alone in its organization, the handle once another shares it", () => {
    expect(effectivePrefix(null, "eu-store.myshopify.com", false)).toBe("");
    expect(effectivePrefix(null, "eu-store.myshopify.com", true)).toBe("EU-STORE");
  });

  it("the merchant's prefix wins, an empty one too", () => {
    expect(effectivePrefix(" EU ", "eu-store.myshopify.com", true)).toBe("EU");
    expect(effectivePrefix("", "eu-store.myshopify.com", true)).toBe("");
    expect(cleanPrefix("North  America-")).toBe("North-America");
  });

  it("joins prefix and order name with a dash", () => {
    expect(referenceFor("EU", "#1001")).toBe("EU-#1001");
    expect(referenceFor("", "#1001")).toBe("#1001");
  });
});
