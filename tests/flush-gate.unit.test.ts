import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TokenBucket } from "../lib/token-bucket.js";

const INTERVAL = 16;
const BURST = 8;

/** Flushes as often as the gate allows, from `from` for `durationMs`; returns when each went. */
function flushFlatOut(gate: TokenBucket, from: number, durationMs: number): number[] {
  const times: number[] = [];
  for (let now = from; now < from + durationMs; now += gate.waitMs(now)) {
    gate.spend(now);
    times.push(now);
  }
  return times;
}

describe("the flush gate between a busy stream and its batches", () => {
  it("lets a run's first few batches go at once after a quiet spell", () => {
    const gate = new TokenBucket(BURST, 1000 / INTERVAL, 0);
    for (let i = 0; i < BURST; i++) {
      assert.equal(gate.waitMs(1000 + i * 0.5), 0, `batch ${i + 1} goes at once`);
      gate.spend(1000 + i * 0.5);
    }
    const wait = gate.waitMs(1000 + BURST * 0.5);
    assert.ok(wait > 0 && wait <= INTERVAL, `the next waits for its tick (${wait} ms)`);
  });

  it("holds a stream that never pauses to one batch per interval", () => {
    const gate = new TokenBucket(BURST, 1000 / INTERVAL, 0);
    const times = flushFlatOut(gate, 0, 10_000);
    const steady = times.slice(BURST);
    assert.ok(times.length <= BURST + 10_000 / INTERVAL + 1, `${times.length} batches in 10 s`);
    for (let i = 1; i < steady.length; i++)
      assert.ok(steady[i]! - steady[i - 1]! >= INTERVAL - 1e-6, `batches ${i - 1} and ${i} are a tick apart`);
  });

  it("saves no more than its burst however long the quiet spell", () => {
    const gate = new TokenBucket(BURST, 1000 / INTERVAL, 0);
    flushFlatOut(gate, 0, 1000);
    const afterAnHour = 3_600_000;
    const atOnce = flushFlatOut(gate, afterAnHour, 1e-3);
    assert.equal(atOnce.length, BURST);
  });
});
