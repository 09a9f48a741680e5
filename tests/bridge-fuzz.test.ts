/**
 * Fuzzing the bridge's boundary: thousands of malformed, hostile or random messages, over
 * loopback, against the real bridge. It must stay up, answer each with exactly one error of
 * the right kind, and start nothing. Then thousands of malformed HTTP requests (request lines,
 * paths, Range, Host, cookies, headers) over raw TCP, from loopback and from another address
 * of this machine, to a shared bridge: each gets a 4xx or 5xx, and the bridge still serves the
 * deck and runs a demo. FUZZ_SEED replays a run.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DEFAULT_LIMITS } from "../server/limits.js";
import { MAX_CLIENT_MESSAGE_BYTES, type ErrorCode, type ServerMessage } from "../protocol/messages.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { BridgeClient } from "../harness/bridge-client.js";
import { TOKEN_COOKIE } from "../server/access.js";
import { demoProcessesOf, rssMb } from "../harness/processes.js";
import { otherLocalAddress } from "./helpers/network.js";
import { sendRaw } from "./helpers/raw-http.js";
import { seededRandom } from "./helpers/random.js";
import { assertStillServing } from "./helpers/still-serving.js";

const CONNECTIONS = 40;
const MESSAGES_PER_CONNECTION = 125;
/** Frames the bridge must refuse by closing the connection, each on a connection of its own. */
const OVERSIZED_FRAMES = 8;
const INVALID_UTF8_FRAMES = 4;
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

const random = seededRandom(SEED);
const integer = (below: number) => Math.floor(random() * below);
const pick = <T>(items: readonly T[]): T => items[integer(items.length)]!;
const text = (length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_ {}[]":,\\/é☃\u0000') =>
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
      return Object.fromEntries(
        Array.from({ length: integer(4) }, () => [pick(["type", "demo", "params", "runId", text(5)]), randomJson(depth + 1)]),
      );
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
  () => {
    // One request, cut short: two calls would differ in length (their requestIds), and a cut
    // measured on the longer could leave the shorter whole, a valid request that starts a run.
    const request = valid();
    return { kind: "truncated JSON", data: request.slice(0, 1 + integer(request.length - 2)), binary: false, expect: ["bad-json"] };
  },
  () => ({ kind: "garbage text", data: `{${text(1 + integer(200)).replaceAll("}", "")}`, binary: false, expect: ["bad-json"] }),
  () => ({
    kind: "wrong types",
    data: JSON.stringify({
      type: pick([1, null, [], {}, "RUN", true]),
      requestId: pick([5, null, "", "x".repeat(65), {}]),
      demo: pick([7, [], "req-rep"]),
    }),
    binary: false,
    expect: ["bad-message"],
  }),
  () => ({
    kind: "huge or out-of-range numbers",
    data: JSON.stringify({
      type: "run",
      requestId: "q",
      demo: "req-rep",
      params: { [pick(["interval", "work"])]: pick([1e308, -1e308, 2 ** 53 + 1, 1e20, -1, 5001, 0.5, 1e-300]) },
    }),
    binary: false,
    expect: ["bad-params"],
  }),
  () => ({
    kind: "number beyond doubles",
    data: `{"type":"run","requestId":"q","demo":"req-rep","params":{"interval":1e999}}`,
    binary: false,
    expect: ["bad-message"],
  }),
  () => ({
    kind: "unknown field",
    data: JSON.stringify({
      type: pick(["run", "stop", "watch"]),
      requestId: "q",
      demo: "req-rep",
      runId: "run-1",
      [pick(["command", "script", "path", "file", "code", "cwd", "env", text(6)])]: text(10),
    }),
    binary: false,
    expect: ["bad-message"],
  }),
  () => ({
    kind: "unknown parameter",
    data: JSON.stringify({
      type: "run",
      requestId: "q",
      demo: "req-rep",
      params: { [pick(["command", "constructor", "hasownproperty", "tostring", "x"])]: 1 },
    }),
    binary: false,
    expect: ["bad-params"],
  }),
  () => ({
    kind: "unknown type",
    data: JSON.stringify({ type: pick(["exec", "spawn", "eval", "kill", text(8)]), requestId: "q" }),
    binary: false,
    expect: ["bad-message"],
  }),
  () => ({
    kind: "unknown demo",
    data: JSON.stringify({ type: pick(["run", "watch"]), requestId: "q", demo: `no-such-${integer(1e6)}` }),
    binary: false,
    expect: ["unknown-demo"],
  }),
  () => ({
    kind: "path or command as a demo",
    data: JSON.stringify({
      type: "run",
      requestId: "q",
      demo: pick(["../../bin/sh", "/etc/passwd", "req-rep; rm -rf /", "req-rep/../x", "", "REQ-REP", "$(id)"]),
    }),
    binary: false,
    expect: ["bad-message"],
  }),
  () => ({
    kind: "prototype keys",
    data: pick([
      `{"__proto__":{"type":"run"},"requestId":"q"}`,
      `{"type":"run","requestId":"q","demo":"req-rep","params":{"__proto__":1}}`,
      `{"constructor":{"prototype":{}}}`,
    ]),
    binary: false,
    expect: ["bad-message"],
  }),
  () => ({ kind: "random JSON", data: JSON.stringify(randomJson()) ?? "null", binary: false, expect: ["bad-message"] }),
  () => ({ kind: "deep nesting", data: `${"[".repeat(1500)}${"]".repeat(1500)}`, binary: false, expect: ["bad-message"] }),
  () => ({
    kind: "stop of a run that is not this page's",
    data: JSON.stringify({ type: "stop", requestId: "q", runId: `run-${integer(1e6)}` }),
    binary: false,
    expect: ["unknown-run"],
  }),
  () => ({
    kind: "binary frame",
    data: Buffer.from(Array.from({ length: integer(2000) }, () => integer(256))),
    binary: true,
    expect: ["binary-not-accepted"],
  }),
  () => ({ kind: "binary frame holding a valid request", data: Buffer.from(valid()), binary: true, expect: ["binary-not-accepted"] }),
  () => ({
    kind: "text over the message limit",
    data: JSON.stringify({
      type: "run",
      requestId: "q",
      demo: "x".repeat(MAX_CLIENT_MESSAGE_BYTES + integer(DEFAULT_LIMITS.maxPayloadBytes - MAX_CLIENT_MESSAGE_BYTES - 100)),
    }),
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
  const page = await BridgeClient.open(bridge.url);
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
        assert.equal(
          replies.length,
          cases.length,
          `one answer per message on connection ${first + connection} (seed ${SEED}): ${JSON.stringify(replies.filter((r) => r.type !== "error"))}`,
        );
        cases.forEach((fuzz, index) => {
          const reply = replies[index]!;
          assert.equal(reply.type, "error", `${fuzz.kind}: ${String(fuzz.data).slice(0, 120)} got ${JSON.stringify(reply)} (seed ${SEED})`);
          if (reply.type !== "error") return;
          assert.ok(
            fuzz.expect.includes(reply.code),
            `${fuzz.kind}: expected ${fuzz.expect}, got ${reply.code}: ${reply.message} for ${String(fuzz.data).slice(0, 120)} (seed ${SEED})`,
          );
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
      const page = await BridgeClient.open(bridge.url);
      const data = oversized
        ? Buffer.alloc(DEFAULT_LIMITS.maxPayloadBytes + 1 + integer(100_000), "a")
        : Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
      page.socket.send(data, { binary: oversized && random() < 0.5 });
      const code = await page.closed;
      assert.equal(code, oversized ? 1009 : 1007, oversized ? "1009: message too big" : "1007: invalid UTF-8");
      assert.equal(page.messages.length, 1, "nothing but hello was sent back");
      closeCodes.push(code);
    }
    const after = await BridgeClient.open(bridge.url);
    assert.equal(after.messages[0]?.type, "hello", "the bridge still answers");
    await after.close();
    assert.deepEqual(demoProcessesOf(bridge.process.pid!), []);
    t.diagnostic(
      `${closeCodes.length} frames refused by closing (${closeCodes.filter((code) => code === 1009).length}× 1009, ${closeCodes.filter((code) => code === 1007).length}× 1007); bridge up; 0 processes started`,
    );
  });
});

const HTTP_REQUESTS = 2400;
const HTTP_AT_ONCE = 16;

/** A malformed HTTP request: its bytes, where it is sent from, and the answers it deserves. */
interface HttpFuzzCase {
  kind: string;
  text: string;
  fromElsewhere: boolean;
  /** The statuses a correct bridge may answer; any 4xx or 5xx when left out. */
  expect?: number[];
  /** Node's parser refuses the method outright by closing (CONNECT with no handler): no status. */
  mayClose?: boolean;
}

describe("fuzzing the bridge's HTTP side", { timeout: 180_000 }, () => {
  const elsewhere = otherLocalAddress();
  let shared: RunningBridge;
  let token: string;
  before(async () => {
    shared = await startBridge(["--share"]);
    for (let tries = 0; tries < 100 && !/\?token=[\w-]+\n/.test(shared.output()); tries++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    token = /\?token=([\w-]+)/.exec(shared.output())?.[1] ?? "";
  });
  after(async () => {
    await shared?.stop();
  });

  /** One request, its Host and (from elsewhere, sometimes) the viewers' cookie; `head` lines go in as they are. */
  function request(
    line: string,
    head: string[],
    { fromElsewhere, host, cookie = fromElsewhere && random() < 0.5 }: { fromElsewhere: boolean; host?: string | null; cookie?: boolean },
  ): string {
    const ownHost = `${fromElsewhere ? elsewhere : "127.0.0.1"}:${shared.port}`;
    const lines = [
      line,
      ...(host === null ? [] : [`Host: ${host ?? ownHost}`]),
      ...(cookie ? [`Cookie: ${TOKEN_COOKIE}=${token}`] : []),
      "Connection: close",
      ...head,
    ];
    return `${lines.join("\r\n")}\r\n\r\n`;
  }

  const junk = (length: number) => text(length, "abcXYZ09-_~.!$&'()*+,;=:@%[]{}|^`\"<> é☃");
  const badPaths = () =>
    pick([
      "//[/",
      "//[",
      "/%",
      "/%zz",
      "/%00",
      "/%E0%A4%A",
      "/..",
      "/../../etc/passwd",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/.built",
      "/./.built",
      "/assets/../../package.json",
      `/no-such-${junk(1 + integer(40))}`,
      `/${"a".repeat(2000 + integer(4000))}`,
      "/ws/../ws",
      "/tutorial.html/..",
    ]);
  const badRanges = () =>
    pick([
      "bytes=0-99999999999999999999",
      "bytes=5-1",
      "bytes=99999999999999999999-",
      "bytes=0-1,3-4",
      "bytes=",
      "bytes=-",
      "bytes=-0",
      "bytes=--5",
      "bytes=1-2-3",
      "bytes=a-b",
      "bytes=1.5-2",
      "bytes=999999-",
      "bytes= 0-1x",
      "nonsense",
      `bytes=${junk(10)}`,
      "bytes=0-0,0-0,0-0,0-0,0-0",
    ]);
  const badHosts = () =>
    pick([
      `evil.example:${shared.port}`,
      "",
      "127.0.0.1",
      `127.0.0.1:${shared.port + 1}`,
      `[::1`,
      `${junk(20)}:${shared.port}`,
      "x".repeat(3000),
      `localhost.:${shared.port}`,
    ]);
  const badCookies = () =>
    pick([
      `${TOKEN_COOKIE}=wrong`,
      `${TOKEN_COOKIE}=`,
      `${TOKEN_COOKIE}=${"x".repeat(8000)}`,
      ";;;;",
      "=",
      `${TOKEN_COOKIE}`,
      Array.from({ length: 200 }, (_, i) => `c${i}=${i}`).join("; "),
      `${junk(50)}=${junk(50)}`,
      `${TOKEN_COOKIE}=${token}x`,
      `${TOKEN_COOKIE}=${token.slice(1)}`,
    ]);

  /** Every kind of bad request, each with the answers it deserves. */
  const httpMakers: ((fromElsewhere: boolean) => HttpFuzzCase)[] = [
    (fromElsewhere) => ({ kind: "bad path", fromElsewhere, text: request(`GET ${badPaths()} HTTP/1.1`, [], { fromElsewhere }) }),
    (fromElsewhere) => {
      const cookie = fromElsewhere ? random() < 0.7 : false;
      return {
        kind: "bad Range",
        fromElsewhere,
        text: request("GET / HTTP/1.1", [`Range: ${badRanges()}`], { fromElsewhere, cookie }),
        expect: fromElsewhere && !cookie ? [401] : [416],
      };
    },
    (fromElsewhere) => ({
      kind: "bad Host",
      fromElsewhere,
      text: request("GET / HTTP/1.1", [], { fromElsewhere, host: badHosts() }),
      expect: [400, 421],
    }),
    (fromElsewhere) => ({
      kind: "no Host",
      fromElsewhere,
      text: request(`GET / HTTP/1.${integer(2)}`, [], { fromElsewhere, host: null }),
      expect: [400, 421],
    }),
    (fromElsewhere) => ({
      kind: "bad cookie",
      fromElsewhere,
      text: request(`GET ${fromElsewhere ? "/" : "/no-such-file"} HTTP/1.1`, [`Cookie: ${badCookies()}`], { fromElsewhere, cookie: false }),
      expect: fromElsewhere ? [401, 431] : [404, 431],
    }),
    (fromElsewhere) => {
      const method = pick(["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]);
      const cookie = fromElsewhere ? random() < 0.7 : false;
      return {
        kind: "method other than GET",
        fromElsewhere,
        text: request(`${method} ${pick(["/", "/ws", "/index.html"])} HTTP/1.1`, ["Content-Length: 0"], { fromElsewhere, cookie }),
        expect: fromElsewhere && !cookie ? [401] : [405],
      };
    },
    (fromElsewhere) => ({
      kind: "bad request line",
      fromElsewhere,
      text: request(
        pick([
          "FOO / HTTP/1.1",
          "GET / HTTP/9.9",
          `GET ${junk(30).replaceAll(" ", "")} HTTP/1.1`,
          "G\u0000T / HTTP/1.1",
          "/ GET HTTP/1.1",
          `GET / HTTP/1.1 ${junk(5)}`,
        ]),
        [],
        { fromElsewhere },
      ),
    }),
    (fromElsewhere) => ({
      kind: "target not a path",
      fromElsewhere,
      text: request(`GET ${pick(["http://evil.example/", "*", `http://127.0.0.1:${shared.port}/`, "ws"])} HTTP/1.1`, [], { fromElsewhere }),
      expect: [400],
    }),
    (fromElsewhere) => ({
      kind: "CONNECT",
      fromElsewhere,
      text: request(`CONNECT 127.0.0.1:${shared.port} HTTP/1.1`, [], { fromElsewhere }),
      mayClose: true,
    }),
    (fromElsewhere) => ({
      kind: "bad header",
      fromElsewhere,
      text: request(
        "GET /no-such-file HTTP/1.1",
        [
          pick([
            "Foo bar",
            "Bad Name: x",
            " folded: x",
            "Content-Length: -1",
            "Content-Length: abc",
            "Content-Length: 1\r\nContent-Length: 2",
            "Transfer-Encoding: chunked\r\n\r\nzz",
            `X-Big: ${"y".repeat(20_000)}`,
            "X: a\u0000b",
            "Expect: nonsense",
          ]),
        ],
        { fromElsewhere },
      ),
    }),
    (fromElsewhere) => ({
      kind: "bad upgrade",
      fromElsewhere,
      text: request(
        `GET ${pick(["//[/", "/ws", "/", "/ws?token=wrong"])} HTTP/1.1`,
        [
          "Upgrade: websocket",
          "Connection: Upgrade",
          `Sec-WebSocket-Version: ${pick(["13", "8", "x"])}`,
          `Sec-WebSocket-Key: ${pick(["", "short", junk(24)])}`,
          `Origin: ${pick(["http://evil.example", "null", junk(10)])}`,
        ],
        { fromElsewhere },
      ),
    }),
  ];

  it(`answers each of ${HTTP_REQUESTS} malformed HTTP requests with a 4xx or 5xx, and then still serves the deck and runs a demo`, async (t) => {
    const pid = shared.process.pid!;
    const rssBefore = rssMb(pid);
    const byKind = new Map<string, number>();
    const byStatus = new Map<string, number>();
    const startedAt = performance.now();
    const cases = Array.from({ length: HTTP_REQUESTS }, (_, i) => pick(httpMakers)(elsewhere !== undefined && i % 2 === 1));
    for (let first = 0; first < cases.length; first += HTTP_AT_ONCE) {
      const group = cases.slice(first, first + HTTP_AT_ONCE);
      const answers = await Promise.all(
        group.map((fuzz) =>
          sendRaw(
            shared.port,
            fuzz.text,
            fuzz.fromElsewhere ? { host: elsewhere!, localAddress: elsewhere!, timeoutMs: 15_000 } : { timeoutMs: 15_000 },
          ),
        ),
      );
      group.forEach((fuzz, index) => {
        const { status } = answers[index]!;
        const shown = `${fuzz.kind} from ${fuzz.fromElsewhere ? "elsewhere" : "here"}: ${JSON.stringify(fuzz.text.slice(0, 160))} (seed ${SEED})`;
        if (status === undefined) assert.ok(fuzz.mayClose, `no answer to ${shown}`);
        else if (fuzz.expect) assert.ok(fuzz.expect.includes(status), `${status}, not ${fuzz.expect}, for ${shown}`);
        else assert.ok(status >= 400 && status <= 599, `${status} for ${shown}`);
        byKind.set(fuzz.kind, (byKind.get(fuzz.kind) ?? 0) + 1);
        byStatus.set(String(status ?? "closed"), (byStatus.get(String(status ?? "closed")) ?? 0) + 1);
      });
      assert.equal(shared.process.exitCode, null, "the bridge is up");
    }
    const seconds = (performance.now() - startedAt) / 1000;
    const rssAfter = rssMb(pid);
    assert.deepEqual(demoProcessesOf(pid), [], "no process was started");
    await assertStillServing(shared);
    t.diagnostic(
      `seed ${SEED}: ${HTTP_REQUESTS} requests (${cases.filter((fuzz) => fuzz.fromElsewhere).length} from ${elsewhere ?? "nowhere else"}) in ${seconds.toFixed(1)} s; bridge RSS ${rssBefore} → ${rssAfter} MB; then deck served, demo ran, nothing left`,
    );
    t.diagnostic(`by kind: ${[...byKind].map(([kind, count]) => `${kind} ${count}`).join(", ")}`);
    t.diagnostic(
      `by answer: ${[...byStatus]
        .sort()
        .map(([status, count]) => `${status} ${count}`)
        .join(", ")}`,
    );
  });
});
