/**
 * Fuzzing the bridge's boundary: thousands of malformed, hostile or random messages, over
 * loopback, against the real bridge. It must stay up, answer each with exactly one error of
 * the right kind, and start nothing. FUZZ_SEED replays a run.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { WebSocket } from "ws";
import { DEFAULT_LIMITS } from "../server/limits.js";
import { MAX_CLIENT_MESSAGE_BYTES, type ErrorCode, type ServerMessage } from "../server/protocol.js";
import { type RunningBridge, startBridge } from "./helpers/bridge.js";
import { BridgePage } from "./helpers/page.js";
import { demoProcessesOf } from "./helpers/processes.js";
import { seededRandom } from "./helpers/random.js";

const CONNECTIONS = 40;
const MESSAGES_PER_CONNECTION = 125;
/** Frames the bridge must refuse by closing the connection, each on a connection of its own. */
const OVERSIZED_FRAMES = 8;
const INVALID_UTF8_FRAMES = 4;
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

const random = seededRandom(SEED);
const integer = (below: number) => Math.floor(random() * below);
const pick = <T>(items: readonly T[]): T => items[integer(items.length)]!;
const text = (length: number, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_ {}[]\":,\\/é☃\u0000") =>
  Array.from({ length }, () => pick([...alphabet])).join("");

function randomJson(depth = 0): unknown {
  switch (integer(depth > 3 ? 4 : 6)) {
    case 0:
      return pick([0, -1, 1e308, -1e-308, 2 ** 53 + 1, 3.5]);
    case 1:
      return text(integer(20));
    case 2:
      return pick([true, false, null]);
    case 3:
      return pick(["run", "stop", "watch", "req-rep"]);
    case 4:
      return Array.from({ length: integer(4) }, () => randomJson(depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: integer(4) }, () => [pick(["type", "demo", "params", "runId", text(5)]), randomJson(depth + 1)]));
  }
}

interface FuzzCase {
  kind: string;
  data: string | Buffer;
  binary: boolean;
  /** The error codes a correct bridge may answer with. */
  expect: ErrorCode[];
}

const valid = () => JSON.stringify({ type: "run", requestId: `q${integer(1e6)}`, demo: "req-rep", params: { interval: 100, work: 0 } });

/** Every kind of bad message, each with the answers it deserves. */
const makers: (() => FuzzCase)[] = [
  () => ({ kind: "truncated JSON", data: valid().slice(0, 1 + integer(valid().length - 2)), binary: false, expect: ["bad-json"] }),
  () => ({ kind: "garbage text", data: `{${text(1 + integer(200)).replaceAll("}", "")}`, binary: false, expect: ["bad-json"] }),
  () => ({
    kind: "wrong types",
    data: JSON.stringify({ type: pick([1, null, [], {}, "RUN", true]), requestId: pick([5, null, "", "x".repeat(65), {}]), demo: pick([7, [], "req-rep"]) }),
    binary: false,
    expect: ["bad-message"],
  }),
  () => ({
    kind: "huge or out-of-range numbers",
    data: JSON.stringify({ type: "run", requestId: "q", demo: "req-rep", params: { [pick(["interval", "work"])]: pick([1e308, -1e308, 2 ** 53 + 1, 1e20, -1, 5001, 0.5, 1e-300]) } }),
    binary: false,
    expect: ["bad-params"],
  }),
  () => ({ kind: "number beyond doubles", data: `{"type":"run","requestId":"q","demo":"req-rep","params":{"interval":1e999}}`, binary: false, expect: ["bad-message"] }),
  () => ({
    kind: "unknown field",
    data: JSON.stringify({ type: pick(["run", "stop", "watch"]), requestId: "q", demo: "req-rep", runId: "run-1", [pick(["command", "script", "path", "file", "code", "cwd", "env", text(6)])]: text(10) }),
    binary: false,
    expect: ["bad-message"],
  }),
  () => ({
    kind: "unknown parameter",
    data: JSON.stringify({ type: "run", requestId: "q", demo: "req-rep", params: { [pick(["command", "constructor", "hasownproperty", "tostring", "x"])]: 1 } }),
    binary: false,
    expect: ["bad-params"],
  }),
  () => ({ kind: "unknown type", data: JSON.stringify({ type: pick(["exec", "spawn", "eval", "kill", text(8)]), requestId: "q" }), binary: false, expect: ["bad-message"] }),
  () => ({ kind: "unknown demo", data: JSON.stringify({ type: pick(["run", "watch"]), requestId: "q", demo: `no-such-${integer(1e6)}` }), binary: false, expect: ["unknown-demo"] }),
  () => ({
    kind: "path or command as a demo",
    data: JSON.stringify({ type: "run", requestId: "q", demo: pick(["../../bin/sh", "/etc/passwd", "req-rep; rm -rf /", "req-rep/../x", "", "REQ-REP", "$(id)"]) }),
    binary: false,
    expect: ["bad-message"],
  }),
  () => ({
    kind: "prototype keys",
    data: pick([`{"__proto__":{"type":"run"},"requestId":"q"}`, `{"type":"run","requestId":"q","demo":"req-rep","params":{"__proto__":1}}`, `{"constructor":{"prototype":{}}}`]),
    binary: false,
    expect: ["bad-message"],
  }),
  () => ({ kind: "random JSON", data: JSON.stringify(randomJson()) ?? "null", binary: false, expect: ["bad-message"] }),
  () => ({ kind: "deep nesting", data: `${"[".repeat(1500)}${"]".repeat(1500)}`, binary: false, expect: ["bad-message"] }),
  () => ({ kind: "stop of a run that is not this page's", data: JSON.stringify({ type: "stop", requestId: "q", runId: `run-${integer(1e6)}` }), binary: false, expect: ["unknown-run"] }),
  () => ({ kind: "binary frame", data: Buffer.from(Array.from({ length: integer(2000) }, () => integer(256))), binary: true, expect: ["binary-not-accepted"] }),
  () => ({ kind: "binary frame holding a valid request", data: Buffer.from(valid()), binary: true, expect: ["binary-not-accepted"] }),
  () => ({
    kind: "text over the message limit",
    data: JSON.stringify({ type: "run", requestId: "q", demo: "x".repeat(MAX_CLIENT_MESSAGE_BYTES + integer(DEFAULT_LIMITS.maxPayloadBytes - MAX_CLIENT_MESSAGE_BYTES - 100)) }),
    binary: false,
    expect: ["too-large"],
  }),
];

let bridge: RunningBridge;
before(async () => {
  bridge = await startBridge();
});
after(async () => {
  await bridge?.stop();
});

/** Sends `cases` on one connection, then a sentinel; returns every answer up to the sentinel's. */
async function fuzzOneConnection(cases: FuzzCase[]): Promise<ServerMessage[]> {
  const page = await BridgePage.open(bridge.url);
  for (const fuzz of cases) page.socket.send(fuzz.data, { binary: fuzz.binary });
  page.send({ type: "stop", requestId: "sentinel", runId: "run-0" });
  await page.waitFor((message) => message.type === "error" && message.requestId === "sentinel", 60_000);
  await page.close();
  // Answers come in the order the messages were sent; the hello came first.
  return page.messages.slice(1, -1);
}

describe("fuzzing the bridge's boundary", { timeout: 180_000 }, () => {
  it(`answers each of ${CONNECTIONS * MESSAGES_PER_CONNECTION} malformed messages with exactly one error of the right kind, and starts no process`, async (t) => {
    const byKind = new Map<string, number>();
    const byCode = new Map<string, number>();
    let tried = 0;
    const batches = Array.from({ length: CONNECTIONS }, () => Array.from({ length: MESSAGES_PER_CONNECTION }, () => pick(makers)()));
    // A few connections at a time: the bridge's per-connection rate limit is not what is tested here.
    for (let first = 0; first < batches.length; first += 5) {
      const group = batches.slice(first, first + 5);
      const answers = await Promise.all(group.map(fuzzOneConnection));
      group.forEach((cases, connection) => {
        const replies = answers[connection]!;
        assert.equal(replies.length, cases.length, `one answer per message on connection ${first + connection} (seed ${SEED}): ${JSON.stringify(replies.filter((r) => r.type !== "error"))}`);
        cases.forEach((fuzz, index) => {
          const reply = replies[index]!;
          assert.equal(reply.type, "error", `${fuzz.kind}: ${String(fuzz.data).slice(0, 120)} got ${JSON.stringify(reply)} (seed ${SEED})`);
          if (reply.type !== "error") return;
          assert.ok(fuzz.expect.includes(reply.code), `${fuzz.kind}: expected ${fuzz.expect}, got ${reply.code}: ${reply.message} for ${String(fuzz.data).slice(0, 120)} (seed ${SEED})`);
          byKind.set(fuzz.kind, (byKind.get(fuzz.kind) ?? 0) + 1);
          byCode.set(reply.code, (byCode.get(reply.code) ?? 0) + 1);
          tried += 1;
        });
      });
      assert.deepEqual(demoProcessesOf(bridge.process.pid!), [], "no process was started");
    }
    assert.equal(tried, CONNECTIONS * MESSAGES_PER_CONNECTION);
    t.diagnostic(`seed ${SEED}: ${tried} messages tried on ${CONNECTIONS} connections, ${tried} errors answered, 0 processes started`);
    t.diagnostic(`by kind: ${[...byKind].map(([kind, count]) => `${kind} ${count}`).join(", ")}`);
    t.diagnostic(`by code: ${[...byCode].map(([code, count]) => `${code} ${count}`).join(", ")}`);
  });

  it(`closes the connection on ${OVERSIZED_FRAMES} frames over the payload limit and ${INVALID_UTF8_FRAMES} text frames that are not UTF-8, and stays up`, async (t) => {
    const closeCodes: number[] = [];
    for (let i = 0; i < OVERSIZED_FRAMES + INVALID_UTF8_FRAMES; i++) {
      const oversized = i < OVERSIZED_FRAMES;
      const page = await BridgePage.open(bridge.url);
      const data = oversized ? Buffer.alloc(DEFAULT_LIMITS.maxPayloadBytes + 1 + integer(100_000), "a") : Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
      page.socket.send(data, { binary: oversized && random() < 0.5 });
      const code = await page.closed;
      assert.equal(code, oversized ? 1009 : 1007, oversized ? "1009: message too big" : "1007: invalid UTF-8");
      assert.equal(page.messages.length, 1, "nothing but hello was sent back");
      closeCodes.push(code);
    }
    const after = await BridgePage.open(bridge.url);
    assert.equal(after.messages[0]?.type, "hello", "the bridge still answers");
    await after.close();
    assert.deepEqual(demoProcessesOf(bridge.process.pid!), []);
    t.diagnostic(`${closeCodes.length} frames refused by closing (${closeCodes.filter((code) => code === 1009).length}× 1009, ${closeCodes.filter((code) => code === 1007).length}× 1007); bridge up; 0 processes started`);
  });
});
