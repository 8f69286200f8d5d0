// Every child process the demo, the bench and the process tests start is registered here, so none
// outlives its parent: when the parent exits — normally, or killed by a signal, which skips "exit" —
// whatever is still running gets SIGKILL, and the signal is re-raised so the parent still dies of it.
// No app imports: loaded before the demo's environment is set.
import type { ChildProcess } from "node:child_process";

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAll(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      killAll();
      if (process.listenerCount(signal) === 1) {
        process.off(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/** Registers `child` until it exits (or fails to start). */
export function trackChild(child: ChildProcess): ChildProcess {
  installExitHook();
  running.add(child);
  const forget = () => running.delete(child);
  child.once("exit", forget);
  child.once("error", forget);
  return child;
}
