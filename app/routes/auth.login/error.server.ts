// What the login form says about the shop domain the library refused (`login()` returns the reason).
import { LoginErrorType, type LoginError } from "@shopify/shopify-app-remix/server";

export interface LoginErrorMessage {
  shop?: string;
}

export function loginErrorMessage(loginErrors: LoginError): LoginErrorMessage {
  if (loginErrors.shop === LoginErrorType.MissingShop) return { shop: "Enter your shop domain to log in." };
  if (loginErrors.shop === LoginErrorType.InvalidShop)
    return { shop: "Enter a valid shop domain, like example.myshopify.com." };
  return {};
}
