import { describe, expect, it } from "vitest";
import {
  BOOKS_WEB_APP,
  DATA_CENTER_IDS,
  DATA_CENTERS,
  booksBaseUrl,
  dataCenterFromAccountsServer,
  isAllowedAccountsServer,
  isDataCenterId,
  normalizeServerUrl,
  zohoInvoiceWebUrl,
} from "./data-centers";

describe("DATA_CENTERS", () => {
  it("lists the eight Books data centers, Canada on zohocloud.ca / zohoapis.ca", () => {
    expect(DATA_CENTER_IDS).toHaveLength(8);
    expect(Object.keys(DATA_CENTERS).sort()).toEqual([...DATA_CENTER_IDS].sort());
    expect(DATA_CENTERS.ca).toMatchObject({
      accountsServer: "https://accounts.zohocloud.ca",
      apiDomain: "https://www.zohoapis.ca",
    });
    expect(DATA_CENTERS["com.cn"].accountsServer).toBe("https://accounts.zoho.com.cn");
    for (const id of DATA_CENTER_IDS) {
      expect(DATA_CENTERS[id].id).toBe(id);
      expect(DATA_CENTERS[id].accountsServer).toMatch(/^https:\/\/accounts\.zoho(cloud)?\.[a-z.]+$/);
      expect(DATA_CENTERS[id].apiDomain).toMatch(/^https:\/\/www\.zohoapis\.[a-z.]+$/);
    }
  });

  it("recognises data-center ids", () => {
    expect(isDataCenterId("eu")).toBe(true);
    expect(isDataCenterId("com.au")).toBe(true);
    expect(isDataCenterId("uk")).toBe(false);
    expect(isDataCenterId("toString")).toBe(false);
  });
});

describe("dataCenterFromAccountsServer", () => {
  it.each([
    ["https://accounts.zoho.com", "com"],
    ["https://accounts.zoho.eu/", "eu"],
    ["https://ACCOUNTS.ZOHO.IN", "in"],
    ["https://accounts.zoho.com.au", "com.au"],
    ["https://accounts.zoho.jp", "jp"],
    ["https://accounts.zohocloud.ca", "ca"],
    ["https://accounts.zoho.sa", "sa"],
    ["https://accounts.zoho.com.cn", "com.cn"],
  ])("%s → %s", (url, dc) => {
    expect(dataCenterFromAccountsServer(url)).toBe(dc);
  });

  it("anything else is custom", () => {
    expect(dataCenterFromAccountsServer("https://accounts.zoho.ca")).toBe("custom"); // not zohocloud
    expect(dataCenterFromAccountsServer("http://accounts.zoho.com")).toBe("custom"); // not https
    expect(dataCenterFromAccountsServer("http://localhost:4000")).toBe("custom");
    expect(dataCenterFromAccountsServer("not a url")).toBe("custom");
  });
});

describe("isAllowedAccountsServer", () => {
  it("accepts the exact https accounts servers of the table", () => {
    for (const id of DATA_CENTER_IDS) expect(isAllowedAccountsServer(DATA_CENTERS[id].accountsServer)).toBe(true);
    expect(isAllowedAccountsServer("https://accounts.zoho.eu/")).toBe(true);
  });

  it.each([
    "https://accounts.zoho.attacker.example",
    "https://accounts.zoho.com.attacker.example",
    "https://evil.example/?x=https://accounts.zoho.com",
    "http://accounts.zoho.com",
    "https://accounts.zoho.com:8443",
    "https://user:pw@accounts.zoho.com",
    "https://accounts.zoho.com/oauth?redirect=evil",
    "https://accounts.zoho.com/somewhere",
    "https://accounts.zoho.uk",
    "javascript:alert(1)",
    "",
  ])("rejects %s", (url) => {
    expect(isAllowedAccountsServer(url)).toBe(false);
  });

  it("accepts the configured override (exact server, path included) and nothing near it", () => {
    const extra = ["http://localhost:4010/zoho-accounts/"];
    expect(isAllowedAccountsServer("http://localhost:4010/zoho-accounts", extra)).toBe(true);
    expect(isAllowedAccountsServer("http://localhost:4010", extra)).toBe(false);
    expect(isAllowedAccountsServer("http://localhost:4011/zoho-accounts", extra)).toBe(false);
    expect(isAllowedAccountsServer("http://localhost:4010/zoho-accounts", [undefined])).toBe(false);
  });
});

describe("normalizeServerUrl / booksBaseUrl", () => {
  it("canonicalises server URLs", () => {
    expect(normalizeServerUrl("HTTPS://Accounts.Zoho.EU/")).toBe("https://accounts.zoho.eu");
    expect(normalizeServerUrl("ftp://accounts.zoho.eu")).toBeNull();
    expect(normalizeServerUrl("https://a.example/#x")).toBeNull();
  });

  it("appends /books/v3 once", () => {
    expect(booksBaseUrl("https://www.zohoapis.ca")).toBe("https://www.zohoapis.ca/books/v3");
    expect(booksBaseUrl("https://www.zohoapis.ca/")).toBe("https://www.zohoapis.ca/books/v3");
    expect(booksBaseUrl("http://localhost:4010/books/v3/")).toBe("http://localhost:4010/books/v3");
  });
});

describe("zohoInvoiceWebUrl (Open in Zoho Books)", () => {
  it.each([
    ["com", "https://books.zoho.com/app/60012345#/invoices/4600000000000012"],
    ["eu", "https://books.zoho.eu/app/60012345#/invoices/4600000000000012"],
    ["ca", "https://books.zohocloud.ca/app/60012345#/invoices/4600000000000012"],
    ["com.cn", "https://books.zoho.com.cn/app/60012345#/invoices/4600000000000012"],
  ])("%s → %s", (dc, url) => {
    expect(zohoInvoiceWebUrl(dc, "60012345", "4600000000000012")).toBe(url);
  });

  it("has a web app for every data center, and none for a custom server", () => {
    for (const id of DATA_CENTER_IDS) expect(BOOKS_WEB_APP[id]).toMatch(/^https:\/\/books\.zoho(cloud)?\.[a-z.]+$/);
    expect(zohoInvoiceWebUrl("custom", "60012345", "46")).toBeNull();
    expect(zohoInvoiceWebUrl(null, "60012345", "46")).toBeNull();
  });
});
