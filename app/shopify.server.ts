// The one shopifyApp(): auth (embedded, token exchange), Prisma session storage, webhooks.
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { prisma } from "~/db.server";
import { env } from "~/env.server";

export const SHOPIFY_API_VERSION = ApiVersion.April26;

function librarySeverity(level: typeof env.LOG_LEVEL): LogSeverity {
  if (level === "debug" || level === "trace") return LogSeverity.Debug;
  if (level === "info") return LogSeverity.Info;
  if (level === "warn") return LogSeverity.Warning;
  return LogSeverity.Error;
}

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  appUrl: env.SHOPIFY_APP_URL,
  scopes: env.SCOPES.split(","),
  apiVersion: SHOPIFY_API_VERSION,
  distribution: AppDistribution.AppStore,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(prisma),
  // The library's own logger follows LOG_LEVEL (it logs every authenticated request at info).
  logger: { level: librarySeverity(env.LOG_LEVEL) },
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
});

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const sessionStorage = shopify.sessionStorage;
