/**
 * The reporting layer watches for idle receives without taking the wake-up of a receive that
 * is waiting: asking libzmq (ZMQ_EVENTS) from outside zeromq.js consumed the edge of the socket's
 * file descriptor, and a worker of the distributed adder waited for ever for the sink's
 * subscription, so with wait on the manager never sent a task.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { forkDemoProcess } from "../server/warm-pool.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/pending-receive.js", import.meta.url));

describe("a receive pending under the reporting layer", () => {
  it("gets a message that arrived while the process was busy past the idle check (10 times)", async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) {
      const child = forkDemoProcess(FIXTURE, []);
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
      // The report pipe must be read, as the bridge does, or the process blocks writing to it.
      child.stdio[4]?.on("data", () => {});
      await once(child, "exit");
      outcomes.push(out.trim());
    }
    assert.deepEqual(outcomes, Array(10).fill("received"));
  });
});
