/**
 * No HTTP request, of any shape, ends the bridge: each of the requests that once did gets a
 * 4xx or 5xx answer, and then the bridge still serves the deck, still runs a demo for the
 * presenter, and the run leaves nothing behind. Real bridge, raw requests over loopback (and,
 * in share mode, from another address of this machine).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { type Socket, connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { WebSocket } from "ws";
import { once } from "node:events";
import { REPO_ROOT } from "../server/http.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { otherLocalAddress } from "./helpers/network.js";
import { rssMb } from "../harness/processes.js";
import { rawRequest, sendRaw } from "./helpers/raw-http.js";
import { assertStillServing } from "./helpers/still-serving.js";

let bridge: RunningBridge;
before(async () => {
  bridge = await startBridge();
});
after(async () => {
  await bridge?.stop();
});

const host = () => `127.0.0.1:${bridge.port}`;

describe("requests that once ended the bridge", { timeout: 120_000 }, () => {
  it("a target the URL parser rejects (GET //[/), as a request and as an upgrade, is answered, and the bridge serves on", async (t) => {
    const before = rssMb(bridge.process.pid!);
    const plain = await sendRaw(bridge.port, rawRequest("GET //[/ HTTP/1.1", { host: host() }));
    assert.equal(plain.status, 404);
    const upgrade = await sendRaw(
      bridge.port,
      rawRequest("GET //[/ HTTP/1.1", {
        host: host(),
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      }),
    );
    assert.equal(upgrade.status, 404);
    const queryOnly = await sendRaw(bridge.port, rawRequest("GET //[/ws?token=x HTTP/1.1", { host: host() }));
    assert.equal(queryOnly.status, 404);
    const rssAfter = rssMb(bridge.process.pid!);
    await assertStillServing(bridge);
    t.diagnostic(
      `GET //[/ → ${plain.status}; as an upgrade → ${upgrade.status}; bridge RSS ${before} → ${rssAfter} MB; deck served, demo ran, nothing left`,
    );
  });

  it("a Range past what a number holds, or ending before it starts, is refused with 416; one range that fits is served", async (t) => {
    const before = rssMb(bridge.process.pid!);
    const answers: string[] = [];
    for (const range of ["bytes=0-99999999999999999999", "bytes=5-1", "bytes=99999999999999999999-", "bytes=0-1,4-5"]) {
      const answer = await sendRaw(bridge.port, rawRequest("GET / HTTP/1.1", { host: host(), range }));
      assert.equal(answer.status, 416, range);
      assert.match(answer.head, /content-range: bytes \*\/\d+/i);
      answers.push(`${range} → ${answer.status}`);
    }
    const part = await sendRaw(bridge.port, rawRequest("GET / HTTP/1.1", { host: host(), range: "bytes=0-14" }));
    assert.equal(part.status, 206);
    assert.equal(part.body, "<!doctype html>");
    const rssAfter = rssMb(bridge.process.pid!);
    await assertStillServing(bridge);
    t.diagnostic(`${answers.join("; ")}; bytes=0-14 → 206 "<!doctype html>"; bridge RSS ${before} → ${rssAfter} MB`);
  });

  it("a file of dist/ removed after the bridge started (a rebuild during the talk) is a 404, not a crash", async (t) => {
    const name = `vanishing-${process.pid}.txt`;
    const file = `${REPO_ROOT}dist/${name}`;
    writeFileSync(file, "here at start\n");
    const own = await startBridge();
    try {
      const served = await sendRaw(own.port, rawRequest(`GET /${name} HTTP/1.1`, { host: `127.0.0.1:${own.port}` }));
      assert.equal(served.status, 200);
      rmSync(file);
      const before = rssMb(own.process.pid!);
      const gone = await sendRaw(own.port, rawRequest(`GET /${name} HTTP/1.1`, { host: `127.0.0.1:${own.port}` }));
      assert.equal(gone.status, 404);
      const rssAfter = rssMb(own.process.pid!);
      await assertStillServing(own);
      t.diagnostic(`served 200, removed, asked again → ${gone.status}; bridge RSS ${before} → ${rssAfter} MB`);
    } finally {
      rmSync(file, { force: true });
      await own.stop();
    }
  });

  it("with no file descriptor left, the request whose file cannot be opened gets 503, and the bridge serves on once there are", async (t) => {
    const own = await startBridge();
    const pid = own.process.pid!;
    const softLimit = /^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, "utf8"))![1]!;
    const kept = await keptAliveConnection(own.port);
    try {
      const before = rssMb(pid);
      assert.equal(await kept.ask("/favicon.svg"), 200);
      // The limit caps descriptor numbers: at 3, with stdin, stdout and stderr open, no new one can be
      // made at all, whatever the bridge opens or closes meanwhile. The connection is already accepted.
      execFileSync("prlimit", ["--pid", String(pid), "--nofile=3:"]);
      let answered: number | undefined;
      try {
        answered = await kept.ask("/favicon.svg");
      } finally {
        execFileSync("prlimit", ["--pid", String(pid), `--nofile=${softLimit}:`]);
      }
      assert.equal(answered, 503, "the request that could not open its file was told to try again");
      const rssAfter = rssMb(pid);
      await assertStillServing(own);
      t.diagnostic(
        `asked on a kept connection with no descriptor free → ${answered}; bridge RSS ${before} → ${rssAfter} MB; limit restored, deck served, demo ran, nothing left`,
      );
    } finally {
      kept.socket.destroy();
      await own.stop();
    }
  });

  it("a request is answered only for this server's own Host, and only for GET or HEAD", async () => {
    const rebound = await sendRaw(bridge.port, rawRequest("GET / HTTP/1.1", { host: `attacker.example:${bridge.port}` }));
    assert.equal(rebound.status, 421);
    const posted = await sendRaw(
      bridge.port,
      rawRequest("POST /ws HTTP/1.1", { host: host(), "content-type": "application/x-www-form-urlencoded", "content-length": "6" }) +
        "type=r",
    );
    assert.equal(posted.status, 405);
    await assertStillServing(bridge);
  });
});

describe("requests that once ended a shared bridge", { timeout: 120_000 }, () => {
  const address = otherLocalAddress();
  let shared: RunningBridge;
  before(async () => {
    shared = await startBridge(["--share"]);
  });
  after(async () => {
    await shared?.stop();
  });

  it("from another machine and without the token, GET //[/ (plain and upgrade) is refused, and the bridge serves on", {
    skip: address === undefined && "this machine has no address but loopback",
  }, async (t) => {
    const before = rssMb(shared.process.pid!);
    const lanHost = `${address}:${shared.port}`;
    const plain = await sendRaw(shared.port, rawRequest("GET //[/ HTTP/1.1", { host: lanHost }), {
      host: address!,
      localAddress: address!,
    });
    assert.equal(plain.status, 401);
    const upgrade = new WebSocket(`ws://${lanHost}//[/`, { localAddress: address!, origin: `http://${lanHost}` });
    const [, response] = (await once(upgrade, "unexpected-response")) as [unknown, { statusCode: number }];
    assert.equal(response.statusCode, 404);
    const rssAfter = rssMb(shared.process.pid!);
    await assertStillServing(shared);
    t.diagnostic(`from ${address}: GET //[/ → ${plain.status}, upgrade → ${response.statusCode}; bridge RSS ${before} → ${rssAfter} MB`);
  });
});

/**
 * A keep-alive request for `path`, its answer read whole; the connection is left open, holding
 * one of the bridge's file descriptors. Resolves with the status, or none if it was closed first.
 */
/** One connection kept open, asked one request at a time; `ask` answers the status, or undefined if the bridge closed it. */
async function keptAliveConnection(port: number): Promise<{ socket: Socket; ask(path: string): Promise<number | undefined> }> {
  const socket = connect({ port, host: "127.0.0.1" });
  socket.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("close", () => reject(new Error("the bridge closed the connection before it was open")));
  });
  const ask = (path: string) =>
    new Promise<number | undefined>((resolve) => {
      let received = "";
      const done = (status: number | undefined) => {
        socket.removeListener("data", onData);
        socket.removeListener("close", onClose);
        resolve(status);
      };
      const onData = (chunk: Buffer) => {
        received += chunk.toString("latin1");
        const end = received.indexOf("\r\n\r\n");
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(received)?.[1] ?? 0);
        if (end !== -1 && received.length >= end + 4 + length) done(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]));
      };
      const onClose = () => done(undefined);
      socket.on("data", onData);
      socket.on("close", onClose);
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    });
  return { socket, ask };
}
