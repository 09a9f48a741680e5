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
import { WebSocket } from "ws";
import { manifests } from "../protocol/manifests.js";
import type { RunEvent, ServerMessage } from "../protocol/messages.js";
import { REPO_ROOT } from "../server/http.js";
import { TRACE_FORMAT, type RecordedTrace, presetValues, tracePath } from "../protocol/trace-format.js";
import { demoShowings } from "./slides/directives.js";
import { readSlideFiles } from "./slides/plugin.js";
import { startBridge } from "../tests/helpers/bridge.js";

/** How long each demo runs while recorded, unless it finishes first. */
const RECORD_MS = Number(process.env.RECORD_MS ?? 6000);
/** A trace keeps at most this many events, so a fast demo does not make a huge file. */
const MAX_EVENTS = 4000;

async function record(url: string, demo: string, preset: string): Promise<RecordedTrace> {
  const manifest = manifests.get(demo);
  if (!manifest) throw new Error(`no demo ${demo}; there are: ${[...manifests.keys()].join(", ")}`);
  const socket = new WebSocket(`${url.replace("http", "ws")}/ws`, { origin: url });
  const events: RunEvent[] = [];
  let params: Record<string, number> = {};
  let runId = "";
  const stopped = new Promise<void>((resolve, reject) => {
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      if (message.type === "started") {
        runId = message.runId;
        params = message.params;
        setTimeout(() => socket.send(JSON.stringify({ type: "stop", requestId: "stop", runId })), RECORD_MS);
      } else if (message.type === "events" && message.runId === runId) {
        events.push(...message.events.slice(0, Math.max(0, MAX_EVENTS - events.length)));
      } else if (message.type === "stopped" && message.runId === runId) {
        resolve();
      } else if (message.type === "error") {
        reject(new Error(`${demo}: ${message.code}: ${message.message}`));
      }
    });
  });
  await new Promise((resolve) => socket.once("open", resolve));
  socket.send(JSON.stringify({ type: "run", requestId: "record", demo, ...(preset ? { params: presetValues(preset) } : {}) }));
  await stopped;
  socket.close();

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
      console.log(`${demo}${preset ? ` (${preset})` : ""}: ${trace.events.length} events over ${(trace.durationMs / 1000).toFixed(1)} s → public/${file}`);
    }
  }
} finally {
  await bridge.stop();
}
