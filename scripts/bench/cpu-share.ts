/**
 * Who gets the CPU while `fast` floods the machine with every message reported one by one: the
 * CPU seconds the bridge and each demo process used over the middle of a run, and the events a
 * second the bridge delivered to its client meanwhile — the client being this script over a
 * WebSocket, not a browser, so the figure is the bridge's own rate beside its demo processes.
 * A diagnosis for the `bridge→browser events` figure, not part of `npm run bench`:
 *
 *   node build/scripts/bench/cpu-share.js
 */
import { readFileSync } from "node:fs";
import { startBridge } from "../../harness/bridge.js";
import { demoProcessesOf } from "../../harness/processes.js";
import { runDemo } from "./run-demo.js";

const RUN_MS = 10_000;
/** The window measured: after start-up, before Stop. */
const FROM_MS = 2_000;
const TO_MS = 9_000;

/** A process's CPU seconds so far: user and system time of all its threads. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function sample(pids: number[]): Map<number, number> {
  return new Map(
    pids.flatMap((pid) => {
      const seconds = cpuSeconds(pid);
      return seconds === undefined ? [] : [[pid, seconds] as const];
    }),
  );
}

const bridge = await startBridge([], { env: { ZMQ_DETAILS_PER_SECOND: "1000000000" } });
const bridgePid = bridge.process.pid!;
const processes = () => [bridgePid, ...demoProcessesOf(bridgePid)];
let before = new Map<number, number>();
let after = before;
setTimeout(() => (before = sample(processes())), FROM_MS);
setTimeout(() => (after = sample(processes())), TO_MS);
const started = performance.now();
let events = 0;
const record = await runDemo(bridge.url, "fast", { count: 1_000_000 }, RUN_MS, (batch) => {
  const at = performance.now() - started;
  if (at >= FROM_MS && at < TO_MS) events += batch.length;
});
await bridge.stop();

const nodeOf = new Map(record.events.flatMap((event) => (event.kind === "spawn" ? [[event.pid, event.node] as const] : [])));
const seconds = (TO_MS - FROM_MS) / 1000;
console.log(`over ${seconds} s of fast's flat-out stream, every message reported:`);
for (const [pid, total] of after) {
  const used = total - (before.get(pid) ?? total);
  if (used < 0.05) continue;
  const name = pid === bridgePid ? "bridge" : (nodeOf.get(pid) ?? `pid ${pid}`);
  console.log(`  ${name.padEnd(12)} ${used.toFixed(2)} CPU s (${Math.round((100 * used) / seconds)} % of a core)`);
}
console.log(`  events delivered to this client: ${Math.round(events / seconds).toLocaleString("en")} a second`);
