/**
 * Edit → Run → first message from the learner's process: a page that has opened the editor on
 * the Request/Reply server (its first check has loaded the compiler) sends a run with a new
 * edit of the server's function each time, and times until the bridge streams the first
 * delivery the learner's process sent (its first reply, drawn at the client), RUNS times,
 * PAUSE_MS apart. Every run compiles its edit afresh: each one's reply text differs.
 *
 * Two ways: `unchecked`, Run pressed before the editor's check of the edit has come back (the
 * build checks it first: the worst case); `checked`, Run pressed once the editor's check of
 * that very text has answered clean, as when the learner reads their change before running it
 * (the build then only emits; time counted from Run).
 *
 * `node build/scripts/bench/edit-run.js` runs this figure alone (BENCH_RUNS, BENCH_PAUSE_MS).
 */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { WebSocket } from "ws";
import { REPO_ROOT } from "../../server/http.js";
import { BINARY_EVENTS_PROTOCOL, decodeEvents } from "../../protocol/event-codec.js";
import type { ServerMessage } from "../../protocol/messages.js";
import { extractSymbol } from "../../server/role-code/cut.js";
import { startBridge } from "../../harness/bridge.js";
import { summarise } from "./stats.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const PAUSE_MS = Number(process.env.BENCH_PAUSE_MS ?? 1500);
/** After the editor's first check, as long as a learner takes to make a first edit, at the least. */
const FIRST_EDIT_MS = 3000;

export async function editToFirstMessage(mode: "unchecked" | "checked" = "unchecked"): Promise<number[]> {
  const bridge = await startBridge();
  const socket = new WebSocket(`${bridge.url.replace("http", "ws")}/ws`, [BINARY_EVENTS_PROTOCOL], { origin: bridge.url });
  const listeners = new Set<(message: ServerMessage) => void>();
  socket.on("message", (data, isBinary) => {
    const message: ServerMessage = isBinary
      ? { type: "events", ...decodeEvents(data as Buffer) }
      : (JSON.parse(String(data)) as ServerMessage);
    for (const listener of listeners) listener(message);
  });
  const next = (matches: (message: ServerMessage) => boolean) =>
    new Promise<ServerMessage>((resolve) => {
      const listener = (message: ServerMessage) => {
        if (!matches(message)) return;
        listeners.delete(listener);
        resolve(message);
      };
      listeners.add(listener);
    });
  const original = extractSymbol(readFileSync(`${REPO_ROOT}demos/req-rep/server.ts`, "utf8"), "server.ts", "startServer");
  const samples: number[] = [];
  try {
    await new Promise((resolve) => socket.once("open", resolve));
    const checked = next((message) => message.type === "code-problems" || message.type === "error");
    socket.send(JSON.stringify({ type: "check", requestId: "open-editor", demo: "req-rep", role: "server", source: original }));
    const check = await checked;
    if (check.type !== "code-problems" || check.diagnostics.length > 0)
      throw new Error(`the editor's first check failed: ${JSON.stringify(check)}`);
    await sleep(FIRST_EDIT_MS);
    for (let run = 0; run < RUNS; run++) {
      const source = original.replace('send("World")', `send("World, edit ${run + 1}")`);
      if (mode === "checked") {
        const answered = next((message) => message.type === "code-problems" || message.type === "error");
        socket.send(JSON.stringify({ type: "check", requestId: `check-${run}`, demo: "req-rep", role: "server", source }));
        const answer = await answered;
        if (answer.type !== "code-problems" || answer.diagnostics.length > 0)
          throw new Error(`the editor's check failed: ${JSON.stringify(answer)}`);
      }
      const firstReply = next(
        (message) =>
          message.type === "error" ||
          message.type === "code-problems" ||
          (message.type === "events" && message.events.some((event) => event.kind === "deliver" && event.from === "server-1")),
      );
      const started = next((message) => message.type === "started" || message.type === "error" || message.type === "code-problems");
      const start = performance.now();
      socket.send(
        JSON.stringify({ type: "run", requestId: `run-${run}`, demo: "req-rep", params: { work: 0 }, code: { role: "server", source } }),
      );
      const reply = await firstReply;
      if (reply.type !== "events") throw new Error(`run ${run + 1} failed: ${JSON.stringify(reply)}`);
      samples.push(performance.now() - start);
      const begun = await started;
      if (begun.type !== "started") throw new Error(`run ${run + 1} failed: ${JSON.stringify(begun)}`);
      const stopped = next((message) => message.type === "stopped" && message.runId === begun.runId);
      socket.send(JSON.stringify({ type: "stop", requestId: `stop-${run}`, runId: begun.runId }));
      await stopped;
      await sleep(PAUSE_MS);
    }
  } finally {
    socket.close();
    await bridge.stop();
  }
  return samples;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const mode of ["unchecked", "checked"] as const) {
    const figure = summarise(`edit-run-to-first-message (${mode})`, "ms", await editToFirstMessage(mode), { target: "median ≤ 300 ms" });
    console.log(
      `${figure.name}: median ${figure.median.toFixed(1)} ms, max ${figure.max.toFixed(1)} ms (min ${figure.min.toFixed(1)}, ${figure.runs} runs, ${PAUSE_MS} ms apart)`,
    );
  }
}
