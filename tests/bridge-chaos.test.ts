/**
 * Chaos: random sequences of run, stop, kill -9 of a demo process, page close (clean or
 * abrupt) and reconnect, across several pages of one real bridge, over loopback. Afterwards no
 * demo process and no demo port may be left, and the bridge's own accounts must be back to
 * zero. CHAOS_SEED replays a run.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { BridgeClient } from "../harness/bridge-client.js";
import { demoProcessesOf, killChild, listeningPorts, parentOf, waitForExit } from "../harness/processes.js";
import { seededRandom } from "./helpers/random.js";

const CYCLES = 300;
const PAGES = 4;
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));

const random = seededRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

type Step = "run" | "stop" | "kill" | "close" | "drop" | "reconnect" | "wait" | "watch";
/**
 * Weighted: runs and stops most, so there is always something to kill and close; a wait lets
 * runs get going; a watch makes a page an audience of the others' runs, which must end with them.
 */
const STEPS: Step[] = ["run", "run", "run", "stop", "stop", "kill", "kill", "close", "drop", "reconnect", "reconnect", "wait", "watch"];

let bridge: RunningBridge;
before(async () => {
  bridge = await startBridge();
});
after(async () => {
  await bridge?.stop();
});

describe("chaos", { timeout: 180_000 }, () => {
  it(`after ${CYCLES} random steps of run, stop, kill -9, page close and reconnect, no demo process or port is left`, async (t) => {
    const pages: (BridgeClient | undefined)[] = [];
    const everyPage: BridgeClient[] = [];
    const answers: Promise<unknown>[] = [];
    const steps = new Map<string, number>();
    let killed = 0;
    const openPage = async (slot: number) => {
      const page = await BridgeClient.open(bridge.url);
      pages[slot] = page;
      everyPage.push(page);
    };
    for (let slot = 0; slot < PAGES; slot++) await openPage(slot);

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const slot = Math.floor(random() * PAGES);
      const page = pages[slot];
      let step = pick(STEPS);
      if (!page?.isOpen && step !== "kill" && step !== "wait") step = "reconnect";
      steps.set(step, (steps.get(step) ?? 0) + 1);
      switch (step) {
        case "run":
          // Not awaited: the next steps land while processes are still starting.
          answers.push(page!.run("req-rep", { interval: pick([0, 50, 200]), work: pick([0, 50]) }).catch(() => undefined));
          break;
        case "stop": {
          const stopped = new Set(page!.messages.flatMap((message) => (message.type === "stopped" ? [message.runId] : [])));
          const live = page!.messages.flatMap((message) =>
            message.type === "started" && !stopped.has(message.runId) ? [message.runId] : [],
          );
          if (live.length > 0) page!.stop(pick(live));
          break;
        }
        case "kill": {
          // A process the pages were told of and that is still the bridge's child, so still running.
          const running = everyPage.flatMap((candidate) => candidate.pids()).filter((pid) => parentOf(pid) === bridge.process.pid);
          if (running.length > 0 && killChild(bridge.process.pid!, pick(running))) killed += 1;
          break;
        }
        case "close":
          await page!.close();
          break;
        case "drop":
          await page!.drop();
          break;
        case "reconnect":
          if (page?.isOpen) await page.drop();
          await openPage(slot);
          break;
        case "watch":
          page!.send({ type: "watch", requestId: `w${page!.newRequestId()}`, demo: "req-rep" });
          break;
        case "wait":
          await sleep(200 + random() * 600);
          break;
      }
      await sleep(random() * 40);
    }

    await Promise.all(answers);
    const answerCodes = new Map<string, number>();
    for (const page of everyPage) {
      for (const message of page.messages) {
        if (message.type === "started" || message.type === "error") {
          const code = message.type === "error" ? message.code : message.requestId.startsWith("w") ? "shown to a watcher" : "started";
          answerCodes.set(code, (answerCodes.get(code) ?? 0) + 1);
        }
      }
    }
    await Promise.all(pages.map((page) => page?.close()));

    // Every demo process is a child of the (living) bridge until it has exited and been reaped.
    const deadline = Date.now() + 20_000;
    while (demoProcessesOf(bridge.process.pid!).length > 0 && Date.now() < deadline) await sleep(100);
    assert.deepEqual(demoProcessesOf(bridge.process.pid!), [], "no demo process is left");
    const pids = [...new Set(everyPage.flatMap((page) => page.pids()))];
    const ports = [...new Set(everyPage.flatMap((page) => page.ports()))];
    assert.deepEqual(await waitForExit(pids, 5000), [], "no process the pages saw started is alive");
    assert.deepEqual(listeningPorts(ports), [], "no demo port is left open");
    assert.ok((answerCodes.get("started") ?? 0) > 0, "some runs really ran");

    // The bridge is still up, and its accounts of runs and processes are back to zero.
    const last = await BridgeClient.open(bridge.url);
    assert.equal(last.messages[0]?.type, "hello");
    await last.close();
    const exited = once(bridge.process, "exit");
    bridge.process.kill("SIGTERM");
    await exited;
    assert.match(bridge.output(), /SIGTERM: stopping 0 run\(s\), 0 process\(es\)/);

    t.diagnostic(
      `seed ${SEED}: ${CYCLES} cycles over ${everyPage.length} page connections; steps: ${[...steps].map(([step, count]) => `${step} ${count}`).join(", ")}`,
    );
    t.diagnostic(`answers: ${[...answerCodes].map(([code, count]) => `${code} ${count}`).join(", ")}`);
    t.diagnostic(
      `${killed} demo processes killed with kill -9 while running; ${pids.length} demo processes seen, ${ports.length} demo ports seen; processes left: 0, ports left: 0, bridge runs and processes left: 0`,
    );
  });
});
