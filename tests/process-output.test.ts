/**
 * A demo process's last lines reach whoever reads its output, even one reading slowly: the
 * bridge reads stdout from a socket, which Node writes asynchronously, so lines still queued
 * when the process exits would die with it (a sink's last thousands, its "Total" among them).
 * A real publisher, run standalone as a learner would, its output read late.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { it } from "node:test";

const PUBLISHER = fileURLToPath(new URL("../demos/pub-sub/pub.js", import.meta.url));

it("a publisher stopped while nobody reads its output still delivers every line it printed, its totals last", async () => {
  const child = spawn(process.execPath, [PUBLISHER, "--bind", "tcp://127.0.0.1:*", "--rate", "1000"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => (output += chunk));
  // Nobody reads for 3 s: more than the socket's buffer piles up inside the process.
  child.stdout.pause();
  const closed = once(child, "close");
  await sleep(3000);
  child.kill("SIGTERM");
  await sleep(300);
  child.stdout.resume();
  await closed;
  const lines = output.trim().split("\n");
  const totals = /^sent (\d+), received 0$/.exec(lines.at(-1) ?? "");
  assert.ok(totals, `the last line is the totals: ${JSON.stringify(lines.at(-1))} (${lines.length} lines)`);
  const published = lines.filter((line) => line.startsWith("Published "));
  assert.ok(published.length > 1000, `it published for 3 s at 1,000 a second: ${published.length}`);
  assert.equal(published.length, Number(totals[1]), "a line for every message it sent");
  assert.equal(published.at(-1), `Published ${published.at(-1)!.split(" ")[1]} #${totals[1]}`);
});
