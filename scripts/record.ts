/**
 * `npm run record [demo …]`: runs each demo for real through the bridge and saves its event
 * stream to public/traces/<demo>.json, for replay where no bridge is reachable (static hosting,
 * offline, PDF) — and once more for each slide that presets the demo's parameters
 * (`@demo pub-sub params=…`), with those parameters, to the trace named after the preset. Run it
 * again whenever a demo changes: a test fails when a trace is older than its demo's manifest
 * version.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { manifests } from "../protocol/manifests.js";
import { REPO_ROOT } from "../server/http.js";
import { TRACE_FORMAT, type RecordedTrace, presetValues, tracePath } from "../protocol/trace-format.js";
import { demoShowings } from "./slides/directives.js";
import { readSlideFiles } from "./slides/plugin.js";
import { startBridge } from "../harness/bridge.js";
import { BridgeClient } from "../harness/bridge-client.js";

/** How long each demo runs while recorded, unless it finishes first. */
const RECORD_MS = Number(process.env.RECORD_MS ?? 6000);
/** A trace keeps at most this many events, so a fast demo does not make a huge file. */
const MAX_EVENTS = 4000;

async function record(url: string, demo: string, preset: string): Promise<RecordedTrace> {
  const manifest = manifests.get(demo);
  if (!manifest) throw new Error(`no demo ${demo}; there are: ${[...manifests.keys()].join(", ")}`);
  const client = await BridgeClient.open(url);
  let runId: string;
  try {
    runId = await client.start(demo, preset ? presetValues(preset) : {});
  } catch (error) {
    await client.close();
    throw new Error(`${demo}: ${(error as Error).message}`);
  }
  const started = client.messages.find((message) => message.type === "started" && message.runId === runId);
  const params = started?.type === "started" ? started.params : {};
  // Until RECORD_MS has passed, or the run has ended by itself (a demo that finishes).
  await Promise.race([new Promise((resolve) => setTimeout(resolve, RECORD_MS)), client.stopped(runId, RECORD_MS + 1000).catch(() => {})]);
  await client.stop(runId, 60_000);
  await client.close();
  const events = client.events(runId).slice(0, MAX_EVENTS);

  const pids = Object.fromEntries(events.flatMap((event) => (event.kind === "spawn" ? [[event.node, event.pid]] : [])));
  const zeromq = await import("zeromq");
  return {
    format: TRACE_FORMAT,
    demo,
    manifestVersion: manifest.version,
    recordedAt: new Date().toISOString(),
    node: process.version,
    libzmq: zeromq.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    params,
    pids,
    durationMs: events.length > 0 ? events.at(-1)!.t - events[0]!.t : 0,
    events,
  };
}

const names = process.argv.slice(2);
// A recording keeps messages one by one up to a rate a viewer can follow, and counts the
// rest in flows (see demos/lib/report.ts): replays stay small and their counters exact.
const bridge = await startBridge([], { env: { ZMQ_DETAILS_PER_SECOND: "20" } });
try {
  mkdirSync(`${REPO_ROOT}public/traces`, { recursive: true });
  const presets = demoShowings(readSlideFiles(REPO_ROOT)).filter(({ preset }) => preset !== "");
  for (const demo of names.length > 0 ? names : [...manifests.keys()]) {
    for (const preset of ["", ...presets.filter((showing) => showing.demo === demo).map((showing) => showing.preset)]) {
      const trace = await record(bridge.url, demo, preset);
      const file = tracePath(demo, preset);
      writeFileSync(`${REPO_ROOT}public/${file}`, `${JSON.stringify(trace)}\n`);
      console.log(
        `${demo}${preset ? ` (${preset})` : ""}: ${trace.events.length} events over ${(trace.durationMs / 1000).toFixed(1)} s → public/${file}`,
      );
    }
  }
} finally {
  await bridge.stop();
}
