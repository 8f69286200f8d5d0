// Child processes of the benchmark (web server, worker): started with this machine's Node, stdout
// thrown away (the app logs one line per request at info, as in production), the tail of stderr kept
// for error messages, and stopped by pid with SIGTERM (then SIGKILL) — never by name.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { trackChild } from "~test/harness/child-registry";

export interface Child {
  name: string;
  pid: number;
  /** Resident set size of the process now (bytes), from /proc. */
  rss(): number;
  /** Last lines the process wrote on stderr. */
  stderrTail(): string;
  /** Resolves when the process has exited (with its code, or the signal that ended it). */
  exited: Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnChildOptions {
  name: string;
  /** Arguments to `node`, e.g. ["--import", "tsx", "scripts/bench/worker-process.ts"]. */
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Lines written to stdout are passed here (default: stdout goes to /dev/null). */
  onStdoutLine?: (line: string) => void;
}

export function spawnChild({ name, args, env, cwd, onStdoutLine }: SpawnChildOptions): Child {
  const devNull = openSync("/dev/null", "w");
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd,
    env,
    stdio: ["ignore", onStdoutLine ? "pipe" : devNull, "pipe"],
  });
  closeSync(devNull);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${process.execPath} ${args.join(" ")}`);
  trackChild(child);
  const pid = child.pid;
  const tail: string[] = [];
  let partial = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    tail.push(...lines);
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  });
  if (onStdoutLine) {
    let out = "";
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      const lines = (out + chunk).split("\n");
      out = lines.pop() ?? "";
      for (const line of lines) onStdoutLine(line);
    });
  }
  const exited = new Promise<string>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`)),
  );
  let gone = false;
  void exited.then(() => (gone = true));

  return {
    name,
    pid,
    rss() {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
      if (!kb) throw new Error(`${name}: no VmRSS in /proc/${pid}/status`);
      return Number(kb) * 1024;
    },
    stderrTail: () => [...tail, partial].filter(Boolean).join("\n"),
    exited,
    async stop(graceMs = 15_000) {
      if (gone) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => {
        if (!gone) child.kill("SIGKILL");
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls until `probe` resolves true, the child exits (→ error with its stderr) or the time is up. */
export async function waitUntilReady(child: Child, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: string | undefined;
  void child.exited.then((e) => (exit = e));
  for (;;) {
    if (exit) throw new Error(`${child.name} stopped before it was ready (${exit}):\n${child.stderrTail()}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`${child.name} was not ready within ${timeoutMs / 1000} s:\n${child.stderrTail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
