/**
 * The demos in a terminal, as a person types them: `npm run demo -- NAME …` and each role on its
 * own. Choices are words (`--sync on`, `--transport ipc`), the help lines up, the first line says
 * how to stop, the last how it ended, and nothing printed is an internal of ours.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

const DEMO = fileURLToPath(new URL("../scripts/demo.js", import.meta.url));
const ROLE = (path: string) => fileURLToPath(new URL(`../demos/${path}`, import.meta.url));

/** Runs `node args…` to its end (it must end by itself), with what it printed. */
function runToEnd(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const { status, stdout, stderr } = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 60_000 });
  return { status, stdout, stderr };
}

/** Starts a demo, waits until it has printed a line matching each of `awaited` (or 30 s), presses Ctrl-C; resolves with its exit code and output. */
async function runThenCtrlC(args: string[], awaited: RegExp[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [DEMO, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = once(child, "exit") as Promise<[number | null]>;
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const deadline = Date.now() + 30_000;
  while (!awaited.every((pattern) => pattern.test(output)) && child.exitCode === null && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  if (child.exitCode === null) child.kill("SIGINT");
  const [code] = await exited;
  return { code, output };
}

/** The column each help line's description starts at: one column for all. */
function descriptionColumns(help: string): number[] {
  return help
    .split("\n")
    .filter((line) => line.startsWith("  --"))
    .map((line) => /^ {2}--\S+(?: \S+)? +/.exec(line)![0].length);
}

describe("npm run demo", () => {
  it("--help lists every parameter in aligned columns, choices as their words", () => {
    const { status, stdout } = runToEnd([DEMO, "pub-sub", "--help"]);
    assert.equal(status, 0);
    assert.match(stdout, /^ {2}--sync off\|on +Wait for subscribers/m);
    assert.match(stdout, /^ {2}--transport tcp\|ipc +Transport; default tcp$/m);
    assert.match(stdout, /^ {2}--rate N +Messages per second; 1–1000/m);
    assert.equal(new Set(descriptionColumns(stdout)).size, 1, `descriptions start in one column:\n${stdout}`);
  });

  it("takes choices as words, says first that Ctrl-C stops it, and last how it ended", { timeout: 60_000 }, async () => {
    const bound = /^\[publisher-1\] +bound ipc:\/\//m;
    const first = /^\[subscriber-1\] +\[weather\/paris\] weather\/paris #1$/m;
    const { code, output } = await runThenCtrlC(["pub-sub", "--sync", "on", "--transport", "ipc", "--subscribers", "2"], [bound, first]);
    assert.equal(code, 0, output);
    const lines = output.trim().split("\n");
    assert.match(lines[0]!, /Ctrl-C stops/);
    assert.match(output, bound, "--transport ipc binds on ipc");
    assert.match(output, first, "--sync on: the first update reaches every subscriber that wants it");
    assert.match(lines.at(-1)!, /^Stopped: every process has ended\.$/);
  });

  it("refuses a number or an unknown word for a choice, in words, and starts nothing", () => {
    for (const value of ["1", "maybe"]) {
      const { status, stdout, stderr } = runToEnd([DEMO, "pub-sub", "--sync", value]);
      assert.equal(status, 2);
      assert.equal(stderr.trim(), "--sync must be off or on");
      assert.doesNotMatch(stdout, /started/);
    }
  });

  it("prints what the processes do, not our internals: no send-waiting lines, losses in words", { timeout: 60_000 }, async () => {
    const sent = /^\[ventilator-1\] +Sent task 3$/m;
    const { output } = await runThenCtrlC(["push-pull", "--workers", "1"], [sent, /^\[worker-1\] +Working on task 3$/m]);
    assert.match(output, sent);
    assert.doesNotMatch(output, /send waiting|send went out/);
    // The first update goes out before any subscriber has connected: lost, said with its body and why.
    const lost = /^\[publisher-1\] +lost "weather\/paris #1": no subscriber wanted it$/m;
    const published = await runThenCtrlC(["pub-sub"], [lost]);
    assert.match(published.output, lost);
    assert.doesNotMatch(published.output, /no-subscriber|slow-joiner|receiver-gone/);
  });
});

describe("a demo whose work is done", () => {
  it("the adder prints its total and exits by itself, saying it is done", () => {
    const { status, stdout } = runToEnd([DEMO, "dist-adder", "--length", "100", "--size", "10", "--wait", "on"]);
    assert.equal(status, 0, stdout);
    assert.match(stdout, /^\[sink-1\] +Total: 4950 \(10 sub-arrays\)$/m);
    assert.match(stdout.trim().split("\n").at(-1)!, /^Done: the demo's work is finished/);
  });
});

describe("a role on its own", () => {
  it("--help lines up its options and says Ctrl-C stops it; it takes choices as words", () => {
    const { status, stdout } = runToEnd([ROLE("pub-sub/pub.js"), "--help"]);
    assert.equal(status, 0);
    assert.match(stdout, /Ctrl-C stops it/);
    assert.match(stdout, /^ {2}--sync off\|on +Wait for subscribers/m);
    assert.equal(new Set(descriptionColumns(stdout)).size, 1, `descriptions start in one column:\n${stdout}`);
    const refused = runToEnd([ROLE("pub-sub/pub.js"), "--sync", "2"]);
    assert.equal(refused.status, 2);
    assert.equal(refused.stderr.trim(), "--sync must be off or on");
  });
});
