/**
 * Chromium for tests and scripts, through playwright-core. Debian's /usr/bin/chromium is used
 * when it is there (Playwright cannot download browsers on every machine); CHROMIUM_PATH names
 * another; with neither, Playwright's own installed browser is tried.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/** Flags that keep a headless Chromium from reaching for the network or a GPU. */
const QUIET_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  return chromium.launch({ headless: true, args: QUIET_FLAGS, ...(executablePath ? { executablePath } : {}) });
}
