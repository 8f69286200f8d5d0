// The shop check shared by the webhook intake, the scan and the worker.
import { describe, expect, it } from "vitest";
import { gateFor, HOLD_MESSAGES, type GateConnection } from "~/sync/shop-gate";

const NOW = new Date("2026-11-26T10:00:00Z");
const conn = (over: Partial<GateConnection> = {}): GateConnection => ({
  status: "connected",
  refreshTokenEnc: "v1.x",
  organizationId: "700000001",
  autoSend: true,
  pausedUntil: null,
  pauseReason: null,
  ...over,
});
const gate = (c: GateConnection | null, mode: "auto" | "manual" = "auto") =>
  gateFor(c, { mode, now: NOW, reauthRecheckMs: 3_600_000 });

describe("gateFor", () => {
  it("sends for a connected shop with an organization and auto-send on", () => {
    expect(gate(conn())).toEqual({ kind: "send" });
  });

  it("holds (records, does not send) without a usable connection, organization or auto-send", () => {
    expect(gate(null)).toEqual({ kind: "hold", code: "zoho_not_connected", message: HOLD_MESSAGES.zoho_not_connected });
    expect(gate(conn({ status: "disconnected" }))).toMatchObject({ kind: "hold", code: "zoho_not_connected" });
    expect(gate(conn({ refreshTokenEnc: null }))).toMatchObject({ kind: "hold", code: "zoho_not_connected" });
    expect(gate(conn({ organizationId: null }))).toMatchObject({ kind: "hold", code: "zoho_no_organization" });
    expect(gate(conn({ autoSend: false }))).toMatchObject({ kind: "hold", code: "auto_send_off" });
  });

  it("a manual send goes out even with auto-send off", () => {
    expect(gate(conn({ autoSend: false }), "manual")).toEqual({ kind: "send" });
  });

  it("pauses a shop that needs to reconnect, and one paused for its daily quota until then", () => {
    expect(gate(conn({ status: "needs_reauth" }))).toEqual({
      kind: "pause",
      reason: "needs_reauth",
      until: new Date(NOW.getTime() + 3_600_000),
    });
    const until = new Date(NOW.getTime() + 60_000);
    expect(gate(conn({ pausedUntil: until, pauseReason: "daily_quota" }))).toEqual({
      kind: "pause",
      reason: "daily_quota",
      until,
    });
    expect(gate(conn({ pausedUntil: until, pauseReason: "daily_quota" }), "manual")).toMatchObject({ kind: "pause" });
  });

  it("a pause whose time has passed no longer holds anything back (the sweep clears it)", () => {
    expect(gate(conn({ pausedUntil: new Date(NOW.getTime() - 1), pauseReason: "daily_quota" }))).toEqual({
      kind: "send",
    });
    // Reconnected after a dead refresh token: sends at once, before the sweep runs.
    expect(gate(conn({ pauseReason: "needs_reauth" }))).toEqual({ kind: "send" });
  });
});
