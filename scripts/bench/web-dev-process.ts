// `npm run bench -- --web dev`: the app in Vite middleware mode (test/harness/app-server.ts) as a process
// of its own on $PORT, stopped by SIGTERM. The environment comes from the benchmark.
import { startAppServer } from "~test/harness/app-server";

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) throw new Error("web-dev-process needs PORT");

const app = await startAppServer({ port, browser: false, onError: (err) => console.error("app server error:", err) });
const stop = () => {
  app.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error("closing the app server failed:", err);
      process.exit(1);
    },
  );
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
