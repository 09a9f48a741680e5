/**
 * The bridge's last line of defence. Everything it knows can fail is answered where it fails
 * (a bad request gets its 4xx or 5xx, a demo that cannot start fails its own run); this is for
 * what it does not know. Node's default for an exception or a rejected promise that nobody
 * handled is to end the process, and with it every run of every page in front of the
 * audience. Instead, each is logged (a burst, then a few a second) and the bridge serves on.
 */
import { LogThrottle } from "./log-throttle.js";

export function keepServingThroughUncaughtErrors(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): void {
  const throttle = new LogThrottle(write);
  process.on("uncaughtException", (error) =>
    throttle.log(`bridge: an exception nobody caught: ${(error as Error)?.stack ?? error}; serving on`),
  );
  process.on("unhandledRejection", (reason) =>
    throttle.log(`bridge: a promise rejected with nobody to handle it: ${(reason as Error)?.stack ?? reason}; serving on`),
  );
}
