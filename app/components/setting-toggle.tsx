// One on/off Settings checkbox: posts `{ intent, [field]: "true" | "false" }` and shows the value sent
// while the change is on its way.
import { Checkbox } from "@shopify/polaris";
import { pendingFlag, type SettingsFetcher } from "~/components/settings-fetcher";

export function SettingToggle({
  fetcher,
  intent,
  field,
  saved,
  label,
  helpText,
  disabled,
}: {
  fetcher: SettingsFetcher;
  intent: string;
  field: string;
  saved: boolean;
  label: string;
  helpText: string;
  disabled: boolean;
}) {
  return (
    <Checkbox
      label={label}
      helpText={helpText}
      checked={pendingFlag(fetcher, field, saved)}
      disabled={disabled}
      onChange={(on) => fetcher.submit({ intent, [field]: String(on) }, { method: "post" })}
    />
  );
}
