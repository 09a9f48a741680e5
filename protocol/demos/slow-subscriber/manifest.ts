import { defineDemo } from "../../manifest.js";
import { transportParam } from "../../transport.js";
import { FILTERS } from "../pub-sub/topics.js";

/**
 * Pub/Sub with subscribers too slow for their publisher: the publish/subscribe demo tuned so
 * that its high-water mark bites within seconds. A separate demo, so that the publisher and
 * subscriber on the Pub/Sub slides carry none of this tuning.
 */
export const slowSubscriber = defineDemo({
  name: "slow-subscriber",
  title: "A slow subscriber",
  version: 1,
  roles: {
    publisher: {
      label: "Publisher",
      socket: "XPUB",
      script: "pub.js",
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ bind: "updates" }],
      params: ["rate", "subscribers", "hwm", "size"],
    },
    subscriber: {
      label: "Subscriber",
      socket: "SUB",
      script: "sub.js",
      count: { default: 3, min: 1, max: 8 },
      countParam: "subscribers",
      endpoints: [{ connect: "updates" }],
      params: ["work", "hwm"],
      actions: ["add", "kill", "restart", "filter"],
      filters: FILTERS,
    },
  },
  endpoints: { updates: { standalone: "tcp://127.0.0.1:5568" } },
  edges: [{ from: "publisher", to: "subscriber", bodyFrame: 1 }],
  params: {
    subscribers: { label: "Subscribers", default: 3, min: 1, max: 8, step: 1 },
    rate: { label: "Messages per second", default: 20, min: 1, max: 1000, step: 1, unit: "/s" },
    work: { label: "Subscriber's work per message", default: 150, min: 0, max: 500, step: 10, unit: "ms" },
    hwm: { label: "High-water mark (queue per subscriber)", default: 1, min: 1, max: 1000, step: 1, unit: "messages" },
    size: { label: "Padding per message (fills the queues sooner)", default: 4096, min: 0, max: 16384, step: 1024, unit: "bytes" },
    transport: transportParam,
  },
  layout: [["publisher"], ["subscriber"]],
});
