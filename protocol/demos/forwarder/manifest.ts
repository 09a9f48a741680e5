import { defineDemo } from "../../manifest.js";
import { transportParam } from "../../transport.js";
import { FILTERS } from "../pub-sub/topics.js";

/** FORWARDER: an XSUB/XPUB device between publishers and subscribers; subscriptions go upstream. */
export const forwarderDemo = defineDemo({
  name: "forwarder",
  title: "FORWARDER device",
  version: 2,
  roles: {
    publisher: {
      label: "Publisher",
      socket: "PUB",
      script: "publisher.js",
      count: { default: 2, min: 1, max: 4 },
      countParam: "publishers",
      endpoints: [{ connect: "frontend" }],
      params: ["rate"],
      actions: ["add", "kill", "restart"],
    },
    forwarder: {
      label: "Forwarder",
      socket: "XSUB · XPUB",
      script: "forwarder.js",
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ bind: "frontend" }, { bind: "backend" }],
      params: [],
    },
    subscriber: {
      label: "Subscriber",
      socket: "SUB",
      script: "subscriber.js",
      count: { default: 3, min: 1, max: 6 },
      countParam: "subscribers",
      endpoints: [{ connect: "backend" }],
      params: [],
      actions: ["add", "kill", "restart", "filter"],
      filters: FILTERS,
    },
  },
  endpoints: { frontend: { standalone: "tcp://127.0.0.1:5563" }, backend: { standalone: "tcp://127.0.0.1:5564" } },
  edges: [
    { from: "publisher", to: "forwarder", forwardLabel: "update" },
    { from: "forwarder", to: "subscriber", backLabel: "subscription" },
  ],
  params: {
    publishers: { label: "Publishers", default: 2, min: 1, max: 4, step: 1 },
    subscribers: { label: "Subscribers", default: 3, min: 1, max: 6, step: 1 },
    rate: { label: "Messages per second, each publisher", default: 3, min: 1, max: 100, step: 1, unit: "/s" },
    transport: transportParam,
  },
  layout: [["publisher"], ["forwarder"], ["subscriber"]],
});
