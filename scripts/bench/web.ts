// The web process under test, in a child process of its own so the load generator does not share its
// event loop or CPU accounting:
//   "build" (default): a production build (`remix vite:build`) served by remix-serve, i.e. what
//     `npm run build && npm start` runs (express, compression, one morgan line per request). The build
//     goes into a fresh temp dir (never ./build, which belongs to `npm run build`) and is deleted after.
//   "dev": test/harness/app-server.ts (Vite in middleware mode), as the demo and the browser tests serve it.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { spawnChild, waitUntilReady, type Child } from "./child";

const run = promisify(execFile);

export interface WebProcess {
  url: string;
  mode: "build" | "dev";
  child: Child;
  /** Stops the server and deletes the temp build. */
  stop(): Promise<void>;
}

// Same Remix options as vite.config.ts; only the build directory differs (a temp dir). Keep in step.
const REMIX_OPTIONS = `{
  ignoredRouteFiles: ["**/.*", "**/*.test.ts", "**/*.test.tsx"],
  future: { v3_fetcherPersist: true, v3_relativeSplatPath: true, v3_throwAbortReason: true, v3_lazyRouteDiscovery: true, v3_singleFetch: true },
}`;

/** `remix vite:build` into a new temp dir; returns the dir (server entry: build/server/index.js). */
export async function buildApp(root: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "zbs-bench-web-"));
  try {
    // The server bundle imports its dependencies by name; Node finds them through this link. The
    // config sits here too, so its imports resolve the same way.
    symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
    const config = path.join(dir, "vite.config.mjs");
    writeFileSync(
      config,
      `import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";
export default defineConfig({
  plugins: [remix({ ...${REMIX_OPTIONS}, buildDirectory: ${JSON.stringify(path.join(dir, "build"))} }), tsconfigPaths()],
  build: { assetsInlineLimit: 0 },
});
`,
    );
    await run(
      process.execPath,
      [
        path.join(root, "node_modules/@remix-run/dev/dist/cli.js"),
        "vite:build",
        "--config",
        config,
        "--logLevel",
        "error",
      ],
      {
        cwd: root,
        env: { ...process.env, NODE_ENV: "production" },
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((err: { stderr?: string; message: string }) => {
      // The message and the offending modules; not the stack nor the list of watched files.
      const lines = (err.stderr?.trim() || err.message).split("\n");
      const end = lines.findIndex((l) => /^\s+at /.test(l));
      throw new Error(
        `remix vite:build failed (\`--web dev\` serves the app without a build):\n${lines
          .slice(0, end < 0 ? 12 : end)
          .join("\n")
          .trim()}`,
      );
    });
    return dir;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export async function startWeb(opts: {
  root: string;
  mode: "build" | "dev";
  port: number;
  env: NodeJS.ProcessEnv;
}): Promise<WebProcess> {
  const url = `http://127.0.0.1:${opts.port}`;
  const env = { ...opts.env, PORT: String(opts.port), HOST: "127.0.0.1" };
  let buildDir: string | undefined;
  let child: Child;
  if (opts.mode === "build") {
    buildDir = await buildApp(opts.root);
    child = spawnChild({
      name: "web (remix-serve)",
      cwd: buildDir,
      env: { ...env, NODE_ENV: "production" },
      args: [
        path.join(opts.root, "node_modules/@remix-run/serve/dist/cli.js"),
        path.join(buildDir, "build/server/index.js"),
      ],
    });
  } else {
    child = spawnChild({
      name: "web (Vite dev)",
      cwd: opts.root,
      env: { ...env, NODE_ENV: "development" },
      args: ["--import", "tsx", path.join(opts.root, "scripts/bench/web-dev-process.ts")],
    });
  }
  const stop = async () => {
    await child.stop();
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  };
  try {
    // Any HTTP answer means the app is up (a GET on the webhook route answers 405).
    await waitUntilReady(child, async () => (await fetch(`${url}/webhooks/orders/paid`)).status > 0, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, mode: opts.mode, child, stop };
}
