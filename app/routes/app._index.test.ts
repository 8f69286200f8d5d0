// Dashboard loader: real authentication, and only the session's own shop is visible.
import { describe, expect, it } from "vitest";
import { loader } from "~/routes/app._index";
import { uniqueShop } from "~test/helpers/shop";
import { adminDocumentRequest, installShop } from "~test/helpers/shopify-auth";
import { connectZoho, settle } from "~test/helpers/zoho-connect";
import { seedOrganization } from "~test/mocks/zoho-books";

const load = (request: Request) => settle(() => loader({ request, params: {}, context: {} }));

describe("/app dashboard", () => {
  it("rejects a request without a session token", async () => {
    const res = await load(new Request("https://my-test-app.myshopify.io/app"));
    expect(res.status).toBe(302);
    expect(res.response!.headers.get("location")).toMatch(/^\/auth\/login/);
  });

  it("summarises the session's own connection only", async () => {
    const connected = uniqueShop();
    const other = uniqueShop();
    await installShop(connected);
    await installShop(other);
    seedOrganization({ preset: "eu", name: "Bottega Srl" });
    expect((await connectZoho(connected)).status).toBe(302);

    const mine = await load(await adminDocumentRequest(connected, "/app"));
    expect(mine.body).toMatchObject({ state: "connected", organizationName: "Bottega Srl", dataCenterLabel: "United States (zoho.com)", autoSend: true });

    const theirs = await load(await adminDocumentRequest(other, "/app"));
    expect(theirs.body).toMatchObject({ state: "not_connected", organizationName: null });
  });
});
