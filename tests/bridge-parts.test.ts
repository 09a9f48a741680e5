/**
 * The small parts that keep one request, one line of output or one dead bridge from taking the
 * bridge down: each on its own, with the inputs that used to get through.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { rangeOf } from "../server/byte-range.js";
import { removeOrphanedIpcDirs } from "../server/ipc-dirs.js";
import { readLines } from "../server/line-reader.js";
import { LogThrottle } from "../server/log-throttle.js";
import { readRequestTarget } from "../server/request-target.js";
import { SPEAKER_VIEW_SCRIPT_HASH } from "../server/security-headers.js";

describe("the Range header", () => {
  const size = 1000;
  it("serves one range of bytes, clamped to the file, and a suffix of it", () => {
    assert.deepEqual(rangeOf("bytes=0-99", size), { kind: "part", start: 0, end: 99 });
    assert.deepEqual(rangeOf("bytes=900-", size), { kind: "part", start: 900, end: 999 });
    assert.deepEqual(rangeOf("bytes=900-5000", size), { kind: "part", start: 900, end: 999 });
    assert.deepEqual(rangeOf("bytes=-100", size), { kind: "part", start: 900, end: 999 });
    assert.deepEqual(rangeOf("bytes=-5000", size), { kind: "part", start: 0, end: 999 });
    assert.deepEqual(rangeOf("BYTES=1-1", size), { kind: "part", start: 1, end: 1 });
  });

  it("refuses what it cannot serve exactly: backwards, past what a number holds, past the end, several ranges, garbage", () => {
    for (const header of [
      "bytes=5-1",
      "bytes=0-99999999999999999999",
      "bytes=99999999999999999999-",
      "bytes=1000-",
      "bytes=-0",
      "bytes=0-1,5-6",
      "bytes=",
      "bytes=-",
      "bytes=a-b",
      "bytes=1.5-2",
      "bytes= 1-2x",
      "bytes=--1",
      "nonsense",
    ]) {
      assert.deepEqual(rangeOf(header, size), { kind: "refused" }, header);
    }
    assert.deepEqual(rangeOf("bytes=0-0", 0), { kind: "refused" }, "nothing of an empty file");
  });

  it("serves the whole file without a Range, or for a unit other than bytes", () => {
    assert.deepEqual(rangeOf(undefined, size), { kind: "whole" });
    assert.deepEqual(rangeOf("items=0-5", size), { kind: "whole" });
  });
});

describe("a request's target", () => {
  it("reads what the URL parser throws on, without throwing", () => {
    assert.throws(() => new URL("//[/", "http://bridge"), "the WHATWG parser rejects it");
    assert.deepEqual(readRequestTarget("//[/")?.pathname, "//[/");
    assert.equal(readRequestTarget("/ws?token=a%zz&x")?.query.get("token"), "a%zz");
    assert.equal(readRequestTarget("/a#b?c")?.pathname, "/a");
  });

  it("reads only paths: an absolute URL, an asterisk or nothing is not one", () => {
    for (const target of ["http://evil/ws", "*", "", undefined, "ws"]) assert.equal(readRequestTarget(target), undefined, String(target));
  });
});

describe("a demo's output, line by line", () => {
  async function linesOf(chunks: string[], maxLength: number): Promise<string[]> {
    const stream = new PassThrough();
    const lines: string[] = [];
    readLines(stream, maxLength, (line) => lines.push(line));
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
    await new Promise((resolve) => stream.on("end", resolve));
    return lines;
  }

  it("splits lines across chunks, drops carriage returns, and keeps a last line without a newline", async () => {
    assert.deepEqual(await linesOf(["one\ntw", "o\r\nthr", "ee"], 100), ["one", "two", "three"]);
  });

  it("holds at most the first maxLength characters of a line, however long it is, and marks it cut", async () => {
    const megabyte = "x".repeat(64 * 1024);
    const lines = await linesOf([...Array<string>(16).fill(megabyte), "\nnext\n"], 10);
    assert.deepEqual(lines, ["xxxxxxxxxx…", "next"]);
  });
});

describe("logging refusals", () => {
  it("logs a burst, then a few a second, and says how many it left out", () => {
    let now = 0;
    const written: string[] = [];
    const throttle = new LogThrottle(
      (line) => written.push(line),
      () => now,
    );
    for (let i = 0; i < 1000; i++) throttle.log(`refused ${i}`);
    assert.equal(written.length, 20);
    now += 1000;
    throttle.log("refused again");
    assert.deepEqual(written.slice(20), ["(980 more like these not shown)", "refused again"]);
  });
});

describe("ipc folders left by a bridge that is gone", () => {
  it("are removed; those of a running bridge, and anything else, are kept", () => {
    const temp = mkdtempSync(join(tmpdir(), "zmq-ipc-test-"));
    // A pid that no process has: a child that has exited and been reaped.
    const gonePid = Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }));
    const gone = join(temp, `zmq-run-${gonePid}-AbC123`);
    const live = join(temp, `zmq-run-${process.pid}-XyZ789`);
    const other = join(temp, "zmq-run-Qw3rty");
    for (const folder of [gone, live, other]) mkdirSync(folder);
    try {
      assert.deepEqual(removeOrphanedIpcDirs(temp), [gone]);
      assert.deepEqual([gone, live, other].map(existsSync), [false, true, true]);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
});

describe("the last-resort guard", () => {
  it("logs an exception and a rejection nobody handled, and the process goes on", async () => {
    const guard = fileURLToPath(new URL("../server/last-resort.js", import.meta.url));
    const program = `
      const { keepServingThroughUncaughtErrors } = await import(${JSON.stringify(guard)});
      keepServingThroughUncaughtErrors((line) => console.log(line));
      setTimeout(() => { throw new Error("thrown from a timer"); }, 10);
      Promise.reject(new Error("rejected with no handler"));
      setTimeout(() => console.log("still serving"), 300);`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", program], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    assert.equal(code, 0, output);
    assert.match(output, /an exception nobody caught: Error: thrown from a timer/);
    assert.match(output, /a promise rejected with nobody to handle it: Error: rejected with no handler/);
    assert.match(output, /still serving/);
  });
});

describe("the deck's Content-Security-Policy", () => {
  it("names the inline script of the installed reveal.js's speaker view by its hash", async () => {
    // The notes plugin writes the speaker view into a window it opens: catch what it writes.
    let written = "";
    const global = globalThis as { window?: unknown };
    global.window = { open: () => ({ document: { write: (html: string) => (written += html) } }) };
    try {
      const { default: Notes } = await import("reveal.js/plugin/notes");
      assert.throws(() => (Notes() as unknown as { open(): void }).open(), "it goes on to talk to a deck there is not");
    } finally {
      delete global.window;
    }
    const scripts = [...written.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
    assert.equal(scripts.length, 1, "the speaker view has one inline script");
    const hash = `sha256-${createHash("sha256").update(scripts[0]!, "utf8").digest("base64")}`;
    assert.equal(
      SPEAKER_VIEW_SCRIPT_HASH,
      hash,
      "update SPEAKER_VIEW_SCRIPT_HASH in server/security-headers.ts: reveal.js's speaker view changed",
    );
  });
});
