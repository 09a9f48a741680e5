/**
 * Actions pressed the moment Run is answered (the diagram already shows the nodes; their
 * processes may still be starting, a subscriber may not have subscribed yet): each is carried
 * out once the processes are there, never refused or silently lost, and gets exactly one answer
 * even when the run stops first. Real bridge, real processes.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { RunEvent } from "../protocol/messages.js";
import { REPO_ROOT } from "../server/http.js";
import { extractSymbol } from "../server/role-code/cut.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { BridgeClient } from "../harness/bridge-client.js";

let bridge: RunningBridge;
let page: BridgeClient;

before(async () => {
  bridge = await startBridge();
  // The presenter's own page: it may run a learner's code.
  page = await BridgeClient.open(bridge.url, { origin: null });
});
after(async () => {
  await page?.close();
  await bridge?.stop();
});

const filtersOf = (events: RunEvent[], node: string) =>
  events.flatMap((event) => (event.kind === "filters" && event.node === node ? [event.filters] : []));
const textOf = (event: RunEvent) => (event.kind === "deliver" ? (event.frames[0]?.text ?? "") : "");

describe("actions pressed as a run starts", () => {
  it("Filter, sent as soon as the run is started, is carried out: the subscriber ends on that filter and receives only it", async () => {
    for (let round = 1; round <= 3; round++) {
      const runId = await page.start("pub-sub", { rate: 50 });
      const answer = await page.request({ type: "action", runId, action: "filter", node: "subscriber-1", filter: "sports" });
      assert.equal(answer.type, "acted", JSON.stringify(answer));
      await page.waitForEvents(runId, (events) => filtersOf(events, "subscriber-1").at(-1)?.join() === "sports", 10_000);
      const since = page
        .events(runId)
        .filter((event) => event.kind === "filters" && event.node === "subscriber-1")
        .at(-1)!.t;
      // Five sports messages in a row once the filter was in place (one sent before may still arrive).
      await page.waitForEvents(
        runId,
        (events) => {
          const after = events.filter((event) => event.kind === "deliver" && event.node === "subscriber-1" && event.t > since);
          let inARow = 0;
          for (const event of after) inARow = textOf(event).startsWith("sports") ? inARow + 1 : 0;
          return inARow >= 5;
        },
        10_000,
      );
      await page.stop(runId);
      const lines = page.output("subscriber-1").filter((line) => line.includes("Subscribed to"));
      assert.match(lines.at(-1) ?? "", /Subscribed to "sports"/, `what the subscriber printed last about its filter: ${lines.join(" | ")}`);
    }
  });

  it("Filter, sent before a learner's subscriber has subscribed (its code waits first), replaces the subscription it then makes", async () => {
    const SUB = extractSymbol(readFileSync(`${REPO_ROOT}demos/pub-sub/sub.ts`, "utf8"), "sub.ts", "sub");
    const source = SUB.replace(
      "socket.subscribe(filter);",
      "await new Promise((resolve) => setTimeout(resolve, 1000));\n  socket.subscribe(filter);",
    );
    assert.notEqual(source, SUB);
    // The first run of edited code loads the checker: a second or two, more on a busy machine.
    const reply = await page.request({ type: "run", demo: "pub-sub", params: { rate: 50 }, code: { role: "subscriber", source } }, 90_000);
    assert.equal(reply.type, "started", JSON.stringify(reply));
    const runId = reply.type === "started" ? reply.runId : "";
    const answer = await page.request({ type: "action", runId, action: "filter", node: "subscriber-1", filter: "sports" });
    assert.equal(answer.type, "acted", JSON.stringify(answer));
    await page.waitForEvents(runId, (events) => filtersOf(events, "subscriber-1").at(-1)?.join() === "sports", 10_000);
    assert.deepEqual(filtersOf(page.events(runId), "subscriber-1")[0], [""], "its own subscription came first, then the learner's Filter");
    await page.stop(runId);
  });

  it("Kill, sent as soon as the run is started, ends the process", async () => {
    const runId = await page.start("push-pull", { workers: 2 });
    const answer = await page.request({ type: "action", runId, action: "kill", node: "worker-1" });
    assert.equal(answer.type, "acted", JSON.stringify(answer));
    await page.waitForEvents(runId, (events) => events.some((event) => event.kind === "exit" && event.node === "worker-1"), 10_000);
    const exit = page.events(runId).find((event) => event.kind === "exit" && event.node === "worker-1");
    assert.equal(exit?.kind === "exit" ? exit.signal : undefined, "SIGKILL");
    await page.stop(runId);
  });

  it("an action waiting for a run that is stopped before it started gets one clear answer", async () => {
    const reply = await page.run("pub-sub");
    assert.equal(reply.type, "started");
    const runId = reply.type === "started" ? reply.runId : "";
    const answer = page.request({ type: "action", runId, action: "filter", node: "subscriber-1", filter: "sports" });
    page.stop(runId);
    const message = await answer;
    // Either it was carried out before the stop, or it says why not.
    if (message.type === "error") assert.match(message.message, /stop/);
    else assert.equal(message.type, "acted");
    await page.stopped(runId);
  });
});
