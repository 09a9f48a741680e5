import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_CLIENT_MESSAGE_BYTES } from "../protocol/messages.js";
import { parseClientMessage } from "../server/client-messages.js";

const parse = (value: unknown) => parseClientMessage(typeof value === "string" ? value : JSON.stringify(value), false);

describe("client message validation", () => {
  it("accepts a run request with parameters", () => {
    const result = parse({ type: "run", requestId: "q1", demo: "req-rep", params: { interval: 100 } });
    assert.deepEqual(result, { ok: true, message: { type: "run", requestId: "q1", demo: "req-rep", params: { interval: 100 } } });
  });

  it("accepts a stop request", () => {
    const result = parse({ type: "stop", requestId: "q2", runId: "run-7" });
    assert.equal(result.ok, true);
  });

  it("accepts an action naming a node, and refuses one that carries anything else", () => {
    assert.equal(parse({ type: "action", requestId: "q3", runId: "run-1", action: "kill", node: "worker-3" }).ok, true);
    assert.equal(parse({ type: "action", requestId: "q3", runId: "run-1", action: "filter", node: "sub-0", filter: "weather" }).ok, true);
    const unknown = parse({ type: "action", requestId: "q4", runId: "run-1", action: "exec", node: "worker-3" });
    assert.equal(!unknown.ok && unknown.code, "bad-message");
    const smuggled = parse({ type: "action", requestId: "q5", runId: "run-1", action: "kill", node: "worker-3", script: "/bin/sh" });
    assert.equal(!smuggled.ok && smuggled.code, "bad-message");
    const path = parse({ type: "action", requestId: "q6", runId: "run-1", action: "kill", node: "../../etc" });
    assert.equal(!path.ok && path.code, "bad-message");
  });

  it("refuses text that is not JSON", () => {
    assert.deepEqual(parse("{not json"), { ok: false, code: "bad-json", message: "message is not valid JSON" });
  });

  it("refuses binary frames", () => {
    const result = parseClientMessage(Buffer.from([1, 2, 3]), true);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.code, "binary-not-accepted");
  });

  it("refuses a message over the size limit", () => {
    const huge = JSON.stringify({ type: "run", requestId: "q1", demo: "x".repeat(MAX_CLIENT_MESSAGE_BYTES) });
    const result = parseClientMessage(huge, false);
    assert.equal(!result.ok && result.code, "too-large");
  });

  for (const [what, message] of [
    ["an unknown type", { type: "exec", requestId: "q1", command: "rm -rf /" }],
    ["an unknown field", { type: "run", requestId: "q1", demo: "req-rep", script: "/bin/sh" }],
    ["a demo name that is a path", { type: "run", requestId: "q1", demo: "../../etc/passwd" }],
    ["a parameter that is not a number", { type: "run", requestId: "q1", demo: "req-rep", params: { interval: "5" } }],
    ["a missing requestId", { type: "run", demo: "req-rep" }],
    ["an array", [1, 2, 3]],
    ["null", null],
  ] as const) {
    it(`refuses ${what} with a bad-message error`, () => {
      const result = parse(message);
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.code, "bad-message");
      assert.ok(!result.ok && result.message.length > 0);
    });
  }

  it("accepts a watch request", () => {
    assert.deepEqual(parse({ type: "watch", requestId: "w1", demo: "req-rep" }), {
      ok: true,
      message: { type: "watch", requestId: "w1", demo: "req-rep" },
    });
  });

  it("refuses a __proto__ key, which the schema would otherwise drop without a word (found by the fuzz test)", () => {
    const result = parse('{"type":"run","requestId":"q1","demo":"req-rep","params":{"__proto__":1}}');
    assert.equal(!result.ok && result.code, "bad-message");
  });

  it("echoes a well-formed requestId with the error, so the page can tie it to its request", () => {
    const result = parse({ type: "run", requestId: "q9", demo: "Bad Name" });
    assert.equal(!result.ok && result.requestId, "q9");
  });
});

describe("every demo's parameters", () => {
  it("are names a run request may carry, so the page can send each demo's defaults", async () => {
    const { manifests } = await import("../protocol/manifests.js");
    const { defaultParams } = await import("../protocol/manifest.js");
    for (const [demo, manifest] of manifests) {
      const result = parse({ type: "run", requestId: "q1", demo, params: defaultParams(manifest) });
      assert.equal(result.ok, true, `${demo}: ${JSON.stringify(result)}`);
    }
  });
});
