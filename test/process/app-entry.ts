// Child entry of the process tests: the web app (Remix through Vite, test/harness/app-server.ts) as its
// own process, with the environment it is given (REDIS_URL, REDIS_PREFIX, …). Prints
// "APP READY <url>" once it listens; SIGTERM closes it.
import closeWithGrace from "close-with-grace";
import { startAppServer } from "~test/harness/app-server";
import { APP_READY } from "~test/harness/processes";

const app = await startAppServer({ browser: false, onError: (err) => console.error("app server error:", err) });
// Load the route modules now, so the first webhook does not pay for the transform.
await app.loadModule("virtual:remix/server-build");
process.stdout.write(`${APP_READY} ${app.url}\n`);

closeWithGrace({ delay: 10_000 }, async () => {
  await app.close();
});
