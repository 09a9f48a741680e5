/**
 * A learner's edited role, run by the real bridge over real WebSockets: its processes are real
 * demo processes under Node's permission model, drawn (and marked edited) like every other;
 * their errors name the learner's lines; what the sandbox refuses is refused on screen and
 * changes nothing; only the presenter's own page may send code. And the same from the terminal.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { WebSocket } from "ws";
import { REPO_ROOT } from "../server/http.js";
import { MAX_CODE_BYTES, type ServerMessage, type SpawnEvent } from "../protocol/messages.js";
import { extractSymbol } from "../server/role-code/cut.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { waitUntilNotRunning } from "../harness/processes.js";
import { BridgeClient } from "../harness/bridge-client.js";

/** The REP server's function exactly as its slide shows it. */
const SERVER = extractSymbol(readFileSync(`${REPO_ROOT}demos/req-rep/server.ts`, "utf8"), "server.ts", "startServer");
const AFTER_BIND = "await socket.bind(endpoint);";
/** The server's function with `lines` added right after its bind (so the run starts, then they run). */
const serverWith = (lines: string) => SERVER.replace(AFTER_BIND, `${AFTER_BIND}\n  ${lines}`);
/** The learner's line (1-based, as the editor counts) holding `text`. */
const lineOf = (source: string, text: string) => source.split("\n").findIndex((line) => line.includes(text)) + 1;
/** A fast request/reply run, so that replies come within the test's patience. */
const FAST = { work: 0, interval: 100 };
/**
 * How long the first check of a bridge may take: it loads TypeScript and every type the demos
 * use, a second or two on an idle machine, over fifteen on a busy one. The editor asks it as it
 * opens, and the learner waits for its marks; later checks take a tenth of that.
 */
const FIRST_CHECK_MS = 90_000;
/** A page opens the editor on the REP server: its first check answers once the checker is loaded. */
async function openEditor(page: BridgeClient): Promise<void> {
  const reply = await page.request({ type: "check", demo: "req-rep", role: "server", source: SERVER }, FIRST_CHECK_MS);
  assert.equal(reply.type === "code-problems" && reply.diagnostics.length, 0, JSON.stringify(reply));
}

let bridge: RunningBridge;
let client: BridgeClient;
let scratch: string;
before(async () => {
  bridge = await startBridge();
  client = await BridgeClient.open(bridge.url, { origin: null });
  scratch = mkdtempSync(join(tmpdir(), "role-code-run-"));
  await openEditor(client);
});
after(async () => {
  client?.close();
  await bridge?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** The run folders of edited modules this bridge has now. */
function runFolders(): string[] {
  const roots = readdirSync(tmpdir()).filter((name) => name.startsWith(`zmq-code-${bridge.process.pid}-`));
  return roots.flatMap((root) =>
    readdirSync(join(tmpdir(), root))
      .filter((name) => name.startsWith("run-"))
      .map((name) => join(tmpdir(), root, name)),
  );
}

const spawnOf = (node: string) => client.events().find((event): event is SpawnEvent => event.kind === "spawn" && event.node === node);
const exitOf = (node: string) =>
  client.events().find((event) => event.kind === "exit" && event.node === node) as
    | { code: number | null; signal: string | null }
    | undefined;

async function runEdited(source: string, params: Record<string, number> = FAST): Promise<{ reply: ServerMessage; runId?: string }> {
  const reply = await client.request({ type: "run", demo: "req-rep", params, code: { role: "server", source } }, 30_000);
  return { reply, ...(reply.type === "started" ? { runId: reply.runId } : {}) };
}

describe("running a learner's edited role", () => {
  it("an edited REP server's reply reaches the client, its node is marked edited, and its folder is gone after the run", async () => {
    const { reply, runId } = await runEdited(SERVER.replace('send("World")', 'send("World, from my code")'));
    assert.equal(reply.type, "started", JSON.stringify(reply));
    await client.waitUntil(
      () => client.output("client-1").some((line) => line.includes("World, from my code")),
      30_000,
      "the edited reply at the client",
    );
    const delivered = client.events().find((event) => event.kind === "deliver" && event.node === "client-1" && event.from === "server-1");
    assert.ok(delivered, "the diagram draws the reply from the learner's server to the client");
    assert.equal(spawnOf("server-1")?.edited, true);
    assert.equal(spawnOf("client-1")?.edited, undefined, "the client runs the demo's own code");
    const folders = runFolders();
    assert.equal(folders.length, 1, "one folder of edited modules while it runs");
    assert.ok(existsSync(join(folders[0]!, "server.js")));
    await client.stop(runId!);
    assert.deepEqual(runFolders(), [], "the run's folder is removed when the run ends");
  });

  it("a syntax error answers code-problems at its line, and starts nothing", async () => {
    const source = SERVER.replace('send("World")', 'send("World" +)');
    const started = client.messages.filter((message) => message.type === "started").length;
    const { reply } = await runEdited(source);
    assert.equal(reply.type, "code-problems", JSON.stringify(reply));
    if (reply.type !== "code-problems") return;
    assert.equal(reply.diagnostics[0]?.line, lineOf(source, '"World" +'));
    assert.equal(reply.diagnostics[0]?.severity, "error");
    assert.equal(client.messages.filter((message) => message.type === "started").length, started, "no run started");
    assert.deepEqual(runFolders(), []);
  });

  it("a check answers the editor with its problems and starts nothing: none for the slide's own function", async () => {
    const clean = await client.request({ type: "check", demo: "req-rep", role: "server", source: SERVER }, 30_000);
    assert.deepEqual(clean, {
      type: "code-problems",
      requestId: (clean as { requestId: string }).requestId,
      demo: "req-rep",
      role: "server",
      diagnostics: [],
    });
    const typo = SERVER.replace("socket.send(", "socket.sned(");
    const found = await client.request({ type: "check", demo: "req-rep", role: "server", source: typo }, 30_000);
    assert.equal(found.type === "code-problems" && found.diagnostics[0]?.line, lineOf(typo, "sned"));
  });

  it("a throw is reported with the learner's line, and the node exits failed", async () => {
    const source = serverWith('if (work >= 0) throw new Error("my mistake");');
    const { reply, runId } = await runEdited(source);
    assert.equal(reply.type, "started", JSON.stringify(reply));
    await client.waitUntil(() => exitOf("server-1") !== undefined, 30_000, "the server's exit");
    const output = client.output("server-1").join("\n");
    assert.match(output, /my mistake/);
    assert.match(output, new RegExp(`at startServer \\(your code, line ${lineOf(source, "my mistake")}:\\d+\\)`));
    assert.doesNotMatch(output, /zmq-code-/, "no temporary path is shown");
    assert.equal(exitOf("server-1")?.code, 1);
    await client.stop(runId!);
  });

  it("a file write is refused with Node's access-denied error, and no file appears", async () => {
    const target = join(scratch, "written-by-the-learner.txt");
    const { reply, runId } = await runEdited(serverWith(`(await import("node:fs")).writeFileSync(${JSON.stringify(target)}, "x");`));
    assert.equal(reply.type, "started", JSON.stringify(reply));
    await client.waitUntil(() => exitOf("server-1") !== undefined, 30_000, "the server's exit");
    assert.match(client.output("server-1").join("\n"), /ERR_ACCESS_DENIED/);
    assert.equal(existsSync(target), false);
    await client.stop(runId!);
  });

  it("a child process is refused with Node's access-denied error, and never runs", async () => {
    const marker = join(scratch, "made-by-a-child.txt");
    const { reply, runId } = await runEdited(
      serverWith(`(await import("node:child_process")).execFileSync("/bin/sh", ["-c", "touch ${marker}"]);`),
    );
    assert.equal(reply.type, "started", JSON.stringify(reply));
    await client.waitUntil(() => exitOf("server-1") !== undefined, 30_000, "the server's exit");
    assert.match(client.output("server-1").join("\n"), /ERR_ACCESS_DENIED/);
    assert.equal(existsSync(marker), false);
    await client.stop(runId!);
  });

  it("Stop ends a role stuck in an infinite loop, its whole group, with no orphan", async () => {
    const source = SERVER.replace(
      "for await (const [request] of socket) {",
      'for await (const [request] of socket) {\n    console.log("looping on", String(request));\n    while (Date.now() > 0) {}',
    );
    const { reply, runId } = await runEdited(source);
    assert.equal(reply.type, "started", JSON.stringify(reply));
    // Printed (synchronously, to a pipe) just before it loops: from then on it reads no signal.
    await client.waitUntil(() => client.output("server-1").includes("looping on Hello"), 30_000, "the server looping");
    const pid = spawnOf("server-1")!.pid;
    await client.stop(runId!);
    assert.equal(exitOf("server-1")?.signal, "SIGKILL", "the looping process did not end at SIGTERM, so its group was killed");
    assert.deepEqual(await waitUntilNotRunning([pid]), []);
    assert.throws(() => process.kill(-pid, 0), "no process of its group is left");
  });

  it("code over 32 KB gets code-too-large, checked or run, and starts nothing", async () => {
    const source = `${SERVER}\n// ${"x".repeat(MAX_CODE_BYTES)}`;
    const started = client.messages.filter((message) => message.type === "started").length;
    for (const body of [
      { type: "run", demo: "req-rep", code: { role: "server", source } },
      { type: "check", demo: "req-rep", role: "server", source },
    ]) {
      const reply = await client.request(body);
      assert.equal(reply.type === "error" && reply.code, "code-too-large", JSON.stringify(reply).slice(0, 200));
    }
    assert.equal(client.messages.filter((message) => message.type === "started").length, started);
  });

  it("a role without code to edit is refused by name", async () => {
    const reply = await client.request({ type: "check", demo: "queue", role: "client", source: SERVER });
    assert.equal(reply.type === "error" && reply.code, "bad-params");
    assert.match((reply as { message: string }).message, /may be edited are: queue/);
  });

  it("a page with a foreign Origin cannot open the bridge, so cannot send code", async () => {
    const socket = new WebSocket(`${bridge.url.replace("http", "ws")}/ws`, { origin: "http://evil.example" });
    socket.on("error", () => {});
    const status = await new Promise<number | undefined>((resolve) => {
      socket.once("unexpected-response", (_, response) => resolve(response.statusCode));
      socket.once("open", () => resolve(undefined));
    });
    socket.terminate();
    assert.equal(status, 403);
  });
});

describe("a bridge killed with kill -9 while a learner's role loops", () => {
  it("leaves no process of it running", async () => {
    const doomed = await startBridge();
    const page = await BridgeClient.open(doomed.url, { origin: null });
    try {
      await openEditor(page);
      const source = SERVER.replace(
        "for await (const [request] of socket) {",
        'for await (const [request] of socket) {\n    console.log("looping on", String(request));\n    while (Date.now() > 0) {}',
      );
      const reply = await page.request({ type: "run", demo: "req-rep", params: FAST, code: { role: "server", source } }, 30_000);
      assert.equal(reply.type, "started", JSON.stringify(reply));
      await page.waitUntil(() => page.output("server-1").includes("looping on Hello"), 30_000, "the server looping");
      const pids = page
        .events()
        .filter((event): event is SpawnEvent => event.kind === "spawn")
        .map((event) => event.pid);
      await doomed.stop("SIGKILL");
      assert.deepEqual(await waitUntilNotRunning(pids, 10_000), [], "the orphan reaper ended the looping process and its peer");
    } finally {
      page.close();
      await doomed.stop("SIGKILL");
    }
  });
});

describe("a shared deck's viewer", () => {
  let shared: RunningBridge;
  before(async () => {
    shared = await startBridge(["--share", "--host", "127.0.0.1"]);
  });
  after(async () => {
    await shared?.stop();
  });

  it("gets read-only for a run with code and for a check, and nothing starts", async () => {
    for (let tries = 0; tries < 100 && !/\?token=[\w-]+\n/.test(shared.output()); tries++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const token = /\?token=([\w-]+)/.exec(shared.output())?.[1] ?? "";
    const viewer = await BridgeClient.open(shared.url, { origin: shared.url, token });
    try {
      const hello = await viewer.waitFor((message) => message.type === "hello");
      assert.equal(hello.type === "hello" && hello.role, "viewer");
      for (const body of [
        { type: "run", demo: "req-rep", code: { role: "server", source: SERVER } },
        { type: "check", demo: "req-rep", role: "server", source: SERVER },
      ]) {
        const reply = await viewer.request(body);
        assert.equal(reply.type === "error" && reply.code, "read-only");
      }
      assert.equal(
        viewer.messages.some((message) => message.type === "started"),
        false,
      );
    } finally {
      viewer.close();
    }
  });
});

describe("the terminal's --ROLE FILE", () => {
  const DEMO_SCRIPT = `${REPO_ROOT}build/scripts/demo.js`;

  /** Runs `npm run demo`'s program until `until` holds over its output (or it exits); returns the output and exit code. */
  async function demo(args: string[], until: (output: string) => boolean): Promise<{ output: string; code: number | null }> {
    const child = spawn(process.execPath, [DEMO_SCRIPT, ...args], { cwd: scratch, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGINT");
        reject(new Error(`timed out; output so far:\n${output}`));
      }, 60_000);
      const read = (chunk: Buffer) => {
        output += chunk;
        if (until(output)) child.kill("SIGINT");
      };
      child.stdout.on("data", read);
      child.stderr.on("data", read);
      child.once("close", (code) => {
        clearTimeout(timer);
        resolve({ output, code });
      });
    });
  }

  it("runs that role from the file, and names the file's lines in its errors", async () => {
    writeFileSync(join(scratch, "my-server.ts"), SERVER.replace('send("World")', 'send("World from my file")'));
    const ran = await demo(["req-rep", "--server", "my-server.ts", "--work", "0", "--interval", "100"], (output) =>
      output.includes("Received reply 0 [ World from my file ]"),
    );
    assert.match(ran.output, /\[client-1\]\s+Received reply 0 \[ World from my file \]/);

    const throwing = serverWith('throw new Error("from my file");');
    writeFileSync(join(scratch, "my-throwing-server.ts"), throwing);
    const failed = await demo(["req-rep", "--server", "my-throwing-server.ts"], (output) => /server-1\]\s+exited/.test(output));
    assert.match(failed.output, new RegExp(`at startServer \\(my-throwing-server\\.ts:${lineOf(throwing, "from my file")}:\\d+\\)`));

    const broken = SERVER.replace('send("World")', 'send("World" +)');
    writeFileSync(join(scratch, "my-broken-server.ts"), broken);
    const refused = await demo(["req-rep", "--server", "my-broken-server.ts"], () => false);
    assert.match(refused.output, new RegExp(`my-broken-server\\.ts:${lineOf(broken, '"World" +')}:\\d+: error: `));
    assert.doesNotMatch(refused.output, /started, pid/, "nothing starts");
    assert.notEqual(refused.code, 0);
  });
});
