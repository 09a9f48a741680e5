import { defineDemo } from "../../manifest.js";

/**
 * "Fast": a live measurement on the presenter's machine. One pair of processes streams
 * messages flat out (PUSH → PULL) and the receiver reports the throughput it saw; another pair
 * bounces a message back and forth (REQ ↔ REP) and the client reports round-trip times.
 */
export const fast = defineDemo({
  name: "fast",
  title: "How fast?",
  version: 4,
  roles: {
    sender: {
      label: "Sender",
      socket: "PUSH",
      script: "sender.js",
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ connect: "stream" }],
      params: ["count", "size"],
    },
    receiver: {
      label: "Receiver",
      socket: "PULL",
      script: "receiver.js",
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ bind: "stream" }],
      params: ["count"],
      measurement: { pattern: "([\\d,]+ msg/s)", label: "measured" },
    },
    pinger: {
      label: "Pinger",
      socket: "REQ",
      script: "pinger.js",
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ connect: "echo" }],
      params: ["size", "pings"],
      measurement: { pattern: "median ([\\d,]+ µs)", label: "round trip" },
    },
    ponger: {
      label: "Ponger",
      socket: "REP",
      script: "ponger.js",
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ bind: "echo" }],
      params: [],
    },
  },
  endpoints: {
    stream: { standalone: "tcp://127.0.0.1:5556" },
    echo: { standalone: "tcp://127.0.0.1:5557" },
  },
  edges: [
    { from: "sender", to: "receiver", forwardLabel: "flat out" },
    { from: "pinger", to: "ponger", forwardLabel: "ping", backLabel: "pong" },
  ],
  params: {
    count: { label: "Messages per burst", default: 100_000, min: 1000, max: 1_000_000, step: 1000 },
    size: { label: "Message size", default: 64, min: 1, max: 65_536, step: 1, unit: " B" },
    pings: { label: "Round trips per measurement", default: 1000, min: 100, max: 10_000, step: 100 },
  },
  layout: [
    ["sender", "pinger"],
    ["receiver", "ponger"],
  ],
});
