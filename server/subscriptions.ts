/**
 * The subscription frames a SUB socket sends. `subscribe()` is not a send, so a SUB reports no
 * message; but libzmq does put a frame on the wire to each connected publisher — 1 then the
 * prefix to subscribe, 0 then the prefix to unsubscribe — and an XPUB receives it as a message.
 * From the SUB's reported filters, this works out those frames, so the matcher can draw each
 * one from the subscriber to the XPUB that received it. They are never counted as the SUB's
 * sends: the SUB's program did not send them.
 */
import { digestFrames, previewFrame } from "../protocol/digest.js";
import type { FilterReport } from "../protocol/report-types.js";
import type { MessageEvent } from "./matcher.js";

export class SubscriptionFrames {
  /** Each SUB socket's filters as last reported, by node and socket. */
  readonly #filters = new Map<string, string[]>();
  /** Subscription frames worked out per socket so far: their own sequence numbers. */
  readonly #counts = new Map<string, number>();

  /** A node reported new filters: the frames its socket sent for the change, in order. */
  changed(report: FilterReport & { node: string }): MessageEvent[] {
    const key = `${report.node}/${report.socket}`;
    const before = this.#filters.get(key) ?? [];
    this.#filters.set(key, report.filters);
    const frames = [
      ...before
        .filter((filter) => !report.filters.includes(filter))
        .map((filter) => Buffer.concat([Buffer.from([0]), Buffer.from(filter)])),
      ...report.filters
        .filter((filter) => !before.includes(filter))
        .map((filter) => Buffer.concat([Buffer.from([1]), Buffer.from(filter)])),
    ];
    return frames.map((frame) => {
      const seq = (this.#counts.get(key) ?? 0) + 1;
      this.#counts.set(key, seq);
      return {
        kind: "send",
        t: report.t,
        node: report.node,
        socket: report.socket,
        seq,
        digest: digestFrames([frame]),
        size: frame.length,
        frames: [previewFrame(frame)],
      };
    });
  }

  /** A node started again: its sockets are new and have subscribed to nothing. */
  forget(node: string): void {
    for (const key of [...this.#filters.keys()]) if (key.startsWith(`${node}/`)) this.#filters.delete(key);
  }
}
