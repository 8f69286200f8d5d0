// Any /app/… URL the app does not have: a 404 inside the admin's frame (the app layout authenticates
// and keeps App Bridge and the navigation), with the way back to the dashboard.
import type { MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/react";
import { NotFound } from "~/components/not-found";
import { pageTitle } from "~/components/page-title";

export const meta: MetaFunction = () => pageTitle("Page not found");

export function loader() {
  return data(null, { status: 404 });
}

export default function AppNotFound() {
  return <NotFound appUrl="/app" />;
}
