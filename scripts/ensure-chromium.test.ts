// scripts/ensure-chromium.sh, run as `npm test` runs it, with stand-ins for `id` and `apt-get` on PATH
// (the real ones would need root and the network) and CHROMIUM_PATH in a temporary directory.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "ensure-chromium.sh");

interface Machine {
  uid: number;
  /** false: no apt-get on PATH. "installs": apt-get puts chromium at CHROMIUM_PATH; "fails": exits 100. */
  apt: false | "installs" | "fails";
  chromiumInstalled?: boolean;
}

function run(machine: Machine) {
  const dir = mkdtempSync(join(tmpdir(), "ensure-chromium-"));
  const bin = join(dir, "bin");
  const chromium = join(dir, "chromium");
  const aptLog = join(dir, "apt.log");
  const script = (path: string, body: string) => {
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
  };
  mkdirSync(bin);
  // PATH is this directory alone, so the machine's own apt-get can never be reached.
  symlinkSync("/bin/chmod", join(bin, "chmod"));
  script(join(bin, "id"), `echo ${machine.uid}`);
  if (machine.apt) {
    const install =
      machine.apt === "installs" ? `printf '#!/bin/sh\\n' > "${chromium}"; chmod +x "${chromium}"` : "exit 100";
    script(
      join(bin, "apt-get"),
      `echo "$DEBIAN_FRONTEND $*" >> "${aptLog}"\ncase "$*" in *install*) ${install} ;; esac`,
    );
  }
  if (machine.chromiumInstalled) script(chromium, "exit 0");
  const res = spawnSync("/bin/bash", [SCRIPT], {
    // Cast: the app's global ProcessEnv type lists its own variables, which this script does not need.
    env: { PATH: bin, CHROMIUM_PATH: chromium } as unknown as NodeJS.ProcessEnv,
    encoding: "utf8",
    timeout: 10_000,
  });
  return {
    code: res.status,
    stderr: res.stderr,
    apt: existsSync(aptLog) ? readFileSync(aptLog, "utf8").trim().split("\n") : [],
    installed: existsSync(chromium),
  };
}

const HOW_TO = "sudo apt-get update && sudo apt-get install -y chromium fonts-liberation";

describe("ensure-chromium.sh", () => {
  it("chromium present: nothing to do, apt-get untouched", () => {
    const res = run({ uid: 0, apt: "installs", chromiumInstalled: true });
    expect(res).toMatchObject({ code: 0, stderr: "", apt: [] });
  });

  it("missing, as root with apt-get: installs chromium and fonts-liberation without prompts", () => {
    const res = run({ uid: 0, apt: "installs" });
    expect(res.code).toBe(0);
    expect(res.apt).toEqual(["noninteractive update -qq", "noninteractive install -y -qq chromium fonts-liberation"]);
    expect(res.installed).toBe(true);
    expect(res.stderr).toMatch(/Installing Debian's chromium/);
  });

  it("missing, not root: stops at once with the one command to run, without calling apt-get", () => {
    const res = run({ uid: 1000, apt: "installs" });
    expect(res.code).toBe(1);
    expect(res.apt).toEqual([]);
    expect(res.stderr).toContain(HOW_TO);
  });

  it("missing, no apt-get, or apt-get failing: stops with the command", () => {
    for (const machine of [
      { uid: 0, apt: false },
      { uid: 0, apt: "fails" },
    ] as const) {
      const res = run(machine);
      expect(res.code, String(machine.apt)).toBe(1);
      expect(res.stderr, String(machine.apt)).toContain(HOW_TO);
      expect(res.installed).toBe(false);
    }
  });
});
