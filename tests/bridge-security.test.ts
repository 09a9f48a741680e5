/**
 * The bridge refuses what it must refuse, with a clear error, and starts nothing for it.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { WebSocket } from "ws";
import type { ServerMessage } from "../protocol/messages.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { setTimeout as sleep } from "node:timers/promises";
import { childrenOf, demoProcessesOf, rssMb, waitForExit, waitUntilNotRunning } from "../harness/processes.js";

let bridge: RunningBridge;
before(async () => {
  bridge = await startBridge();
});
after(async () => {
  await bridge?.stop();
});

/** Opens a WebSocket to the bridge as a page on `origin` would; resolves once it is open. */
async function connect(origin: string | undefined = bridge.url): Promise<{ socket: WebSocket; next(): Promise<ServerMessage> }> {
  const socket = new WebSocket(`${bridge.url.replace("http", "ws")}/ws`, origin ? { origin } : {});
  const queue: ServerMessage[] = [];
  const waiters: ((message: ServerMessage) => void)[] = [];
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as ServerMessage;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  await once(socket, "open");
  return {
    socket,
    next: () => {
      const queued = queue.shift();
      return queued ? Promise.resolve(queued) : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

describe("the bridge's boundary", () => {
  it("refuses a WebSocket from a foreign origin", async () => {
    const socket = new WebSocket(`${bridge.url.replace("http", "ws")}/ws`, { origin: "http://evil.example" });
    const [, response] = (await once(socket, "unexpected-response")) as [unknown, { statusCode: number }];
    assert.equal(response.statusCode, 403);
  });

  it("refuses a WebSocket whose Host is not the bridge's own (DNS rebinding)", async () => {
    const socket = new WebSocket(`${bridge.url.replace("http", "ws")}/ws`, {
      headers: { host: `attacker.example:${bridge.port}` },
      origin: `http://attacker.example:${bridge.port}`,
    });
    const [, response] = (await once(socket, "unexpected-response")) as [unknown, { statusCode: number }];
    assert.equal(response.statusCode, 403);
  });

  it("accepts the deck's own origin and says hello with the demos it has", async () => {
    const { socket, next } = await connect();
    const hello = await next();
    assert.equal(hello.type, "hello");
    assert.ok(hello.type === "hello" && hello.demos.includes("req-rep"));
    socket.close();
  });

  it("answers an unknown demo with a clear error and starts no process", async () => {
    const { socket, next } = await connect();
    await next();
    socket.send(JSON.stringify({ type: "run", requestId: "q1", demo: "no-such-demo" }));
    const reply = await next();
    assert.equal(reply.type, "error");
    assert.ok(reply.type === "error" && reply.code === "unknown-demo" && reply.requestId === "q1");
    assert.match(reply.type === "error" ? reply.message : "", /no-such-demo/);
    assert.deepEqual(demoProcessesOf(bridge.process.pid!), []);
    socket.close();
  });

  it("answers an out-of-range parameter with a clear error and starts no process", async () => {
    const { socket, next } = await connect();
    await next();
    socket.send(JSON.stringify({ type: "run", requestId: "q2", demo: "req-rep", params: { interval: 1e9 } }));
    const reply = await next();
    assert.ok(reply.type === "error" && reply.code === "bad-params", JSON.stringify(reply));
    socket.send(JSON.stringify({ type: "run", requestId: "q3", demo: "req-rep", params: { command: 1 } }));
    const unknown = await next();
    assert.ok(unknown.type === "error" && unknown.code === "bad-params", JSON.stringify(unknown));
    assert.deepEqual(demoProcessesOf(bridge.process.pid!), []);
    socket.close();
  });

  it('answers an add of role "constructor" (Object.prototype\'s own) with bad-params, as any role the demo has not, and starts nothing', async (t) => {
    const { socket, next } = await connect();
    await next();
    const answerTo = async (message: Record<string, unknown>) => {
      socket.send(JSON.stringify(message));
      for (;;) {
        const reply = await next();
        if ("requestId" in reply && reply.requestId === message.requestId) return reply;
      }
    };
    const started = await answerTo({ type: "run", requestId: "r", demo: "push-pull", params: { workers: 1, rate: 5 } });
    assert.equal(started.type, "started", JSON.stringify(started));
    const runId = started.type === "started" ? started.runId : "";
    const deadline = Date.now() + 10_000;
    while (demoProcessesOf(bridge.process.pid!).length < 2 && Date.now() < deadline) await sleep(50);
    await sleep(500); // every process of the run started: an action is taken now, not refused for that
    const before = rssMb(bridge.process.pid!);
    const answers: string[] = [];
    for (const [index, role] of ["constructor", "tostring", "toString"].entries()) {
      const reply = await answerTo({ type: "action", requestId: `a${index}`, runId, action: "add", role });
      assert.equal(reply.type, "error", JSON.stringify(reply));
      if (reply.type !== "error") continue;
      assert.equal(reply.code, role === "toString" ? "bad-message" : "bad-params", `${role}: ${reply.message}`);
      assert.doesNotMatch(reply.message, /\bat \w|TypeError/, "no stack trace, no internal error");
      answers.push(`${role} → ${reply.code} (${reply.message})`);
    }
    const pids = demoProcessesOf(bridge.process.pid!);
    assert.equal(pids.length, 2, "nothing was started");
    socket.close();
    assert.deepEqual(await waitForExit(pids), [], "closing the page ended its run");
    t.diagnostic(`${answers.join("; ")}; bridge RSS ${before} → ${rssMb(bridge.process.pid!)} MB`);
  });

  it("answers each malformed message with one error and keeps the connection", async () => {
    const { socket, next } = await connect();
    await next();
    const malformed = ["nope", "{}", '{"type":"run"}', JSON.stringify({ type: "stop", requestId: "q", runId: "run-999999" })];
    for (const text of malformed) socket.send(text);
    socket.send(Buffer.from([0, 1, 2]), { binary: true });
    const codes: string[] = [];
    for (let i = 0; i < malformed.length + 1; i++) {
      const reply = await next();
      assert.equal(reply.type, "error");
      codes.push(reply.type === "error" ? reply.code : "");
    }
    assert.deepEqual(codes, ["bad-json", "bad-message", "bad-message", "unknown-run", "binary-not-accepted"]);
    assert.equal(socket.readyState, WebSocket.OPEN);
    assert.deepEqual(demoProcessesOf(bridge.process.pid!), []);
    socket.close();
  });

  /** Starts a bridge of its own with one req-rep run going; returns it and every child pid. */
  async function bridgeWithRun(): Promise<{ own: RunningBridge; everyChild: number[] }> {
    const own = await startBridge();
    const socket = new WebSocket(`${own.url.replace("http", "ws")}/ws`);
    await once(socket, "open");
    socket.send(JSON.stringify({ type: "run", requestId: "q1", demo: "req-rep" }));
    const deadline = Date.now() + 10_000;
    while (demoProcessesOf(own.process.pid!).length < 2 && Date.now() < deadline) await sleep(50);
    assert.equal(demoProcessesOf(own.process.pid!).length, 2, "the run's two processes started");
    // Every child: the run's processes and the warm ones waiting for a role.
    return { own, everyChild: childrenOf(own.process.pid!) };
  }

  it("ends every process it started, warm ones included, when stopped with SIGTERM", async () => {
    const { own, everyChild } = await bridgeWithRun();
    await own.stop("SIGTERM");
    assert.deepEqual(await waitForExit(everyChild, 5000, { warmHostsToo: true }), []);
  });

  it("leaves no process behind when it is killed with SIGKILL: each exits within two seconds", async () => {
    const { own, everyChild } = await bridgeWithRun();
    await own.stop("SIGKILL");
    // Within two seconds each has exited (a zombie runs nothing: it waits for init to reap it) …
    assert.deepEqual(await waitUntilNotRunning(everyChild, 2000), []);
    // … and init, which in some containers reaps only every second or two, reaps them all.
    assert.deepEqual(await waitForExit(everyChild, 10_000, { warmHostsToo: true }), []);
  });
});
