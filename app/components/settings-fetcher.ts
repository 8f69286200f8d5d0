// The type of a Settings page fetcher: its data is an answer of app/sync/settings-actions.server.ts.
import type { useFetcher } from "@remix-run/react";
import type { SettingsActionResult } from "~/sync/settings-actions.server";

export type SettingsFetcher = ReturnType<typeof useFetcher<SettingsActionResult>>;
