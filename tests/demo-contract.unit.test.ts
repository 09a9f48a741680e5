/**
 * The names the talk's slides rely on: `@code` cuts these top-level symbols out of the demos and
 * `@demo` embeds these demos. Renaming one breaks a slide, so it must break this test first.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { manifests } from "../protocol/manifests.js";
import { extractCode, parseCodeReference } from "../scripts/slides/extract-code.js";
import { REPO_ROOT } from "../server/http.js";

const CODE_ON_SLIDES = [
  "demos/push-pull/push.ts#push",
  "demos/push-pull/pull.ts#pull",
  "demos/pub-sub/pub.ts#pub",
  "demos/pub-sub/sub.ts#sub",
  "demos/pub-logger/pub-log.ts#addZmqHandler",
  "demos/pub-logger/watcher.ts#watch",
  "demos/dist-adder/proto.ts#Task",
  "demos/dist-adder/proto.ts#Result",
  "demos/dist-adder/manager.ts#startManager",
  "demos/dist-adder/worker.ts#startWorker",
  "demos/dist-adder/sink.ts#startSink",
  "demos/dist-adder/sink.ts#loadResult",
  "demos/queue/queue.ts#queue",
  "demos/streamer/streamer.ts#streamer",
  "demos/forwarder/forwarder.ts#forwarder",
];

describe("what the slides cut from the demos", () => {
  for (const reference of CODE_ON_SLIDES) {
    it(`${reference} exists and holds no instrumentation`, () => {
      const code = extractCode(REPO_ROOT, parseCodeReference(reference));
      assert.ok(code.length > 0);
      assert.doesNotMatch(code, /report\(|monotonicMs|process\.send/, "telemetry stays in demos/lib");
    });
  }

  it("every demo the slides embed is registered", () => {
    for (const name of [
      "req-rep",
      "push-pull",
      "pub-sub",
      "slow-subscriber",
      "pub-logger",
      "queue",
      "streamer",
      "forwarder",
      "dist-adder",
      "transports",
    ]) {
      assert.ok(manifests.has(name), name);
    }
  });
});
