// May this shop's orders be sent to Zoho right now? PURE: decided from the ZohoConnection row alone,
// so the webhook intake, the scan and the worker agree (ADR 008).
//   send  — go ahead
//   hold  — record the order, do not send it automatically (no connection, no organization chosen,
//           auto-send off); a person sends it later from the Orders page
//   pause — the shop is parked (daily quota, dead refresh token): its jobs wait and resume by themselves
import type { ZohoConnection } from "@prisma/client";
import type { PauseReason } from "~/sync/verdict";

export type HoldCode = "zoho_not_connected" | "zoho_no_organization" | "auto_send_off";

/** `OrderSync.lastErrorCode` of an order recorded but deliberately not sent: the scan leaves these alone. */
export const HOLD_CODES: readonly HoldCode[] = ["zoho_not_connected", "zoho_no_organization", "auto_send_off"];

export const HOLD_MESSAGES: Record<HoldCode, string> = {
  zoho_not_connected:
    "Not sent: Zoho Books was not connected when this order was paid. Send it from the Orders page once connected.",
  zoho_no_organization:
    "Not sent: no Zoho Books organization was chosen in Settings when this order was paid. Send it from the Orders page.",
  auto_send_off: "Not sent: automatic sending was off when this order was paid. Send it from the Orders page.",
};

export type ShopGate =
  | { kind: "send" }
  | { kind: "hold"; code: HoldCode; message: string }
  | { kind: "pause"; reason: PauseReason; until: Date };

export type GateConnection = Pick<
  ZohoConnection,
  "status" | "refreshTokenEnc" | "organizationId" | "autoSend" | "pausedUntil" | "pauseReason"
>;

export function gateFor(
  conn: GateConnection | null,
  {
    mode = "auto",
    now = new Date(),
    reauthRecheckMs,
  }: { mode?: "auto" | "manual"; now?: Date; reauthRecheckMs: number },
): ShopGate {
  if (!conn || conn.status === "disconnected" || !conn.refreshTokenEnc) return hold("zoho_not_connected");
  // Until the merchant reconnects; the resume sweep promotes the parked jobs as soon as they do.
  if (conn.status === "needs_reauth")
    return { kind: "pause", reason: "needs_reauth", until: new Date(now.getTime() + reauthRecheckMs) };
  if (conn.pausedUntil && conn.pausedUntil.getTime() > now.getTime())
    return {
      kind: "pause",
      reason: conn.pauseReason === "needs_reauth" ? "needs_reauth" : "daily_quota",
      until: conn.pausedUntil,
    };
  if (!conn.organizationId) return hold("zoho_no_organization");
  if (!conn.autoSend && mode !== "manual") return hold("auto_send_off");
  return { kind: "send" };
}

function hold(code: HoldCode): ShopGate {
  return { kind: "hold", code, message: HOLD_MESSAGES[code] };
}
