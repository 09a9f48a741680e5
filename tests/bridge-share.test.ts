/**
 * A shared deck, end to end over loopback: started with --share on 127.0.0.1, it prints a
 * viewers' link with a token; pages holding it may watch the presenter's runs and nothing more.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { WebSocket } from "ws";
import { once } from "node:events";
import type { RunEvent, ServerMessage } from "../server/protocol.js";
import { type RunningBridge, startBridge } from "./helpers/bridge.js";
import { BridgePage } from "./helpers/page.js";
import { demoProcessesOf, waitForExit } from "./helpers/processes.js";

let bridge: RunningBridge;
let token: string;
before(async () => {
  bridge = await startBridge(["--share", "--host", "127.0.0.1"]);
  // The link is printed just after the line startBridge waits for.
  for (let tries = 0; tries < 100 && !/\?token=[\w-]+\n/.test(bridge.output()); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
  token = /\?token=([\w-]+)/.exec(bridge.output())?.[1] ?? "";
});
after(async () => {
  await bridge?.stop();
});

function runIdOf(answer: ServerMessage): string {
  assert.equal(answer.type, "started", JSON.stringify(answer));
  return answer.type === "started" ? answer.runId : "";
}

/** The events that describe what happened, without the per-connection batching. */
const story = (events: RunEvent[]) => events.map((event) => `${event.kind} ${event.node}`);

describe("sharing the deck", { timeout: 180_000 }, () => {
  it("prints a viewers' link holding a fresh token", () => {
    assert.match(bridge.output(), new RegExp(`http://127\\.0\\.0\\.1:${bridge.port}/\\?token=${token}`));
    assert.ok(token.length >= 22);
  });

  it("a page with the token is a viewer: running and stopping are refused as read-only, and nothing starts", async () => {
    const viewer = await BridgePage.open(bridge.url, { token });
    assert.ok(viewer.messages[0]?.type === "hello" && viewer.messages[0].role === "viewer");
    const refused = await viewer.run("req-rep");
    assert.ok(refused.type === "error" && refused.code === "read-only", JSON.stringify(refused));
    const requestId = viewer.newRequestId();
    viewer.send({ type: "stop", requestId, runId: "run-1" });
    const stop = await viewer.waitFor((message) => message.type === "error" && message.requestId === requestId);
    assert.ok(stop.type === "error" && stop.code === "read-only");
    assert.deepEqual(demoProcessesOf(bridge.process.pid!), []);
    await viewer.close();
  });

  it("a wrong token is refused before any WebSocket opens", async () => {
    const socket = new WebSocket(`${bridge.url.replace("http", "ws")}/ws?token=${token.slice(1)}x`, { origin: bridge.url });
    const [, response] = (await once(socket, "unexpected-response")) as [unknown, { statusCode: number }];
    assert.equal(response.statusCode, 401);
  });

  it("the presenter's page on this machine runs demos, and they bind only where the deck listens", async () => {
    const presenter = await BridgePage.open(bridge.url);
    assert.ok(presenter.messages[0]?.type === "hello" && presenter.messages[0].role === "presenter");
    const runId = runIdOf(await presenter.run("req-rep", { interval: 20, work: 0 }));
    await presenter.waitForEvents(runId, (events) => events.some((event) => event.kind === "bound"));
    const bound = presenter.events(runId).find((event) => event.kind === "bound");
    assert.match(bound?.kind === "bound" ? bound.endpoint : "", /^tcp:\/\/127\.0\.0\.1:\d+$/);
    presenter.stop(runId);
    await presenter.stopped(runId);
    await presenter.close();
  });

  it("a viewer watching a demo sees the presenter's run as the presenter does, from start to stop", async () => {
    const viewer = await BridgePage.open(bridge.url, { token });
    viewer.send({ type: "watch", requestId: "w1", demo: "req-rep" });
    await viewer.waitFor((message) => message.type === "watching" && message.requestId === "w1");

    const presenter = await BridgePage.open(bridge.url);
    const runId = runIdOf(await presenter.run("req-rep", { interval: 20, work: 0 }));
    const shown = await viewer.waitFor((message) => message.type === "started" && message.runId === runId);
    assert.ok(shown.type === "started" && shown.requestId === "w1" && shown.demo === "req-rep");
    await presenter.waitForEvents(runId, (events) => events.filter((event) => event.kind === "deliver").length >= 5);
    presenter.stop(runId);
    await presenter.stopped(runId);
    assert.equal(await viewer.stopped(runId), "requested");
    assert.deepEqual(story(viewer.events(runId)), story(presenter.events(runId)), "the viewer saw every event the presenter saw, in order");

    // A viewer arriving mid-run is shown the run and its processes.
    const second = runIdOf(await presenter.run("req-rep", { interval: 20, work: 0 }));
    await presenter.waitForEvents(second, (events) => events.filter((event) => event.kind === "spawn").length === 2);
    const late = await BridgePage.open(bridge.url, { token });
    late.send({ type: "watch", requestId: "w2", demo: "req-rep" });
    await late.waitForEvents(second, (events) => events.filter((event) => event.kind === "spawn").length === 2);
    await presenter.close();
    assert.equal(await late.stopped(second), "connection-closed");
    await waitForExit(presenter.pids());
    await viewer.close();
    await late.close();
  });
});
