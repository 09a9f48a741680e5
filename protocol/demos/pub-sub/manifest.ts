import { defineDemo } from "../../manifest.js";
import { transportParam } from "../../transport.js";
import { FILTERS } from "./topics.js";

/** Publish/Subscribe: one publisher, subscribers that each take the topics they filter for. */
export const pubSub = defineDemo({
  name: "pub-sub",
  title: "Publish/Subscribe",
  version: 5,
  roles: {
    publisher: {
      label: "Publisher",
      socket: "XPUB",
      script: "pub.js",
      code: { file: "demos/pub-sub/pub.ts", symbol: "pub" },
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ bind: "updates" }],
      params: ["rate", "sync", "subscribers"],
    },
    subscriber: {
      label: "Subscriber",
      socket: "SUB",
      script: "sub.js",
      code: { file: "demos/pub-sub/sub.ts", symbol: "sub" },
      count: { default: 3, min: 1, max: 8 },
      countParam: "subscribers",
      endpoints: [{ connect: "updates" }],
      params: [],
      actions: ["add", "kill", "restart", "filter"],
      filters: FILTERS,
    },
  },
  endpoints: { updates: { standalone: "tcp://127.0.0.1:5556" } },
  edges: [{ from: "publisher", to: "subscriber" }],
  params: {
    subscribers: { label: "Subscribers", default: 3, min: 1, max: 8, step: 1 },
    rate: { label: "Messages per second", default: 10, min: 1, max: 1000, step: 1, unit: "/s" },
    sync: { label: "Wait for subscribers (the fix)", default: 0, min: 0, max: 1, step: 1, choices: ["off", "on"] },
    transport: transportParam,
  },
  layout: [["publisher"], ["subscriber"]],
});
