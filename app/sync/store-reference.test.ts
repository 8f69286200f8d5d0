import { describe, expect, it } from "vitest";
import {
  cleanPrefix,
  defaultReferencePrefix,
  effectivePrefix,
  NAME_PREFIX_MAX,
  prefixFromShopName,
  referenceFor,
} from "./store-reference";

describe("store reference prefixes (ADR 020)", () => {
  it("the handle's prefix: upper-case, unique like the handle itself", () => {
    expect(defaultReferencePrefix("eu-store.myshopify.com")).toBe("EU-STORE");
    expect(defaultReferencePrefix("acme_europe--shop.myshopify.com")).toBe("ACME-EUROPE-SHOP");
    expect(defaultReferencePrefix("acme-europe-store.myshopify.com")).not.toBe(
      defaultReferencePrefix("acme-europe-shop.myshopify.com"),
    );
  });

  it("from the shop's name: its telling word, or the initials of several, upper-case A–Z/0–9, ≤ 10", () => {
    const domain = "acme-eu-2.myshopify.com";
    expect(prefixFromShopName("EU Store", domain)).toBe("EU");
    expect(prefixFromShopName("The Official Bottega Shop", domain)).toBe("BOTTEGA");
    expect(prefixFromShopName("North America Outlet", domain)).toBe("NAO");
    expect(prefixFromShopName("Boutique Genève", domain)).toBe("BG");
    expect(prefixFromShopName("Café-Crème", domain)).toBe("CC");
    expect(prefixFromShopName("Supercalifragilistic", domain)).toBe("SUPERCALIF");
    expect(prefixFromShopName("Supercalifragilistic", domain)).toHaveLength(NAME_PREFIX_MAX);
    expect(prefixFromShopName("  shop  ", domain)).toBe("SHOP"); // only generic words: used anyway
    expect(prefixFromShopName("Store 2", domain)).toBe("2");
  });

  it("from the shop's name: nothing usable falls back to the handle", () => {
    expect(prefixFromShopName("★ ★ ★", "acme-eu-2.myshopify.com")).toBe("ACME-EU-2");
    expect(prefixFromShopName("東京ストア", "tokyo.myshopify.com")).toBe("TOKYO");
    expect(prefixFromShopName("", "tokyo.myshopify.com")).toBe("TOKYO");
    expect(prefixFromShopName(null, "tokyo.myshopify.com")).toBe("TOKYO");
  });

  it("automatic: none while the store is alone in its organization, from its name once another shares it", () => {
    expect(effectivePrefix(null, "eu-store.myshopify.com", false, "EU Store")).toBe("");
    expect(effectivePrefix(null, "eu-store-2.myshopify.com", true, "EU Store")).toBe("EU");
    // The name unknown (Shopify did not answer): the handle.
    expect(effectivePrefix(null, "eu-store.myshopify.com", true)).toBe("EU-STORE");
  });

  it("automatic: a name prefix another store of the organization set already gives way to the unique handle", () => {
    expect(effectivePrefix(null, "eu-store-2.myshopify.com", true, "EU Store", ["eu", "US"])).toBe("EU-STORE-2");
    expect(effectivePrefix(null, "eu-store-2.myshopify.com", true, "EU Store", ["US"])).toBe("EU");
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
