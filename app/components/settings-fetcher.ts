// A Settings page fetcher (its data is an answer of app/sync/settings-actions.server.ts), and what a
// setting shows while its change is on its way: the value sent, not the saved one.
import type { useFetcher } from "@remix-run/react";
import type { SettingsActionResult } from "~/sync/settings-actions.server";

export type SettingsFetcher = ReturnType<typeof useFetcher<SettingsActionResult>>;

/** The value of `field` being sent, else the saved one. */
export function pendingValue(fetcher: SettingsFetcher, field: string, saved: string): string {
  return fetcher.formData?.has(field) ? String(fetcher.formData.get(field)) : saved;
}

/** The on/off `field` being sent, else the saved one. */
export function pendingFlag(fetcher: SettingsFetcher, field: string, saved: boolean): boolean {
  return fetcher.formData?.has(field) ? fetcher.formData.get(field) === "true" : saved;
}
