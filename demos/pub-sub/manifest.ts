import type { DemoManifest } from "../lib/manifest.js";
import { transportParam } from "../lib/transport.js";
import { FILTERS } from "./topics.js";

/** Publish/Subscribe: one publisher, subscribers that each take the topics they filter for. */
export const pubSub: DemoManifest = {
  name: "pub-sub",
  title: "Publish/Subscribe",
  version: 4,
  roles: {
    publisher: {
      label: "Publisher",
      socket: "XPUB",
      script: "pub.js",
      code: { file: "demos/pub-sub/pub.ts", symbol: "pub" },
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ bind: "updates" }],
      params: ["rate", "sync", "subscribers", "hwm", "size"],
    },
    subscriber: {
      label: "Subscriber",
      socket: "SUB",
      script: "sub.js",
      code: { file: "demos/pub-sub/sub.ts", symbol: "sub" },
      count: { default: 3, min: 1, max: 8 },
      countParam: "subscribers",
      endpoints: [{ connect: "updates" }],
      params: ["work", "hwm"],
      actions: ["add", "kill", "restart", "filter"],
      filters: FILTERS,
    },
  },
  endpoints: { updates: { standalone: "tcp://127.0.0.1:5556" } },
  edges: [{ from: "publisher", to: "subscriber", bodyFrame: 1 }],
  params: {
    subscribers: { label: "Subscribers", default: 3, min: 1, max: 8, step: 1 },
    rate: { label: "Messages per second", default: 10, min: 1, max: 1000, step: 1, unit: "/s" },
    sync: { label: "Wait for subscribers (the fix)", default: 0, min: 0, max: 1, step: 1, choices: ["off", "on"] },
    work: { label: "Subscriber's work per message", default: 0, min: 0, max: 500, step: 10, unit: "ms" },
    hwm: { label: "High-water mark (queue per subscriber)", default: 1000, min: 1, max: 1000, step: 1, unit: "messages" },
    size: { label: "Padding per message (fills the queues sooner)", default: 0, min: 0, max: 16384, step: 1024, unit: "bytes" },
    transport: transportParam,
  },
  layout: [["publisher"], ["subscriber"]],
};
