import { defineDemo } from "../../manifest.js";
import { transportParam } from "../../transport.js";

/** QUEUE: a ROUTER/DEALER device shares the requests of many REQ clients among REP workers. */
export const queueDemo = defineDemo({
  name: "queue",
  title: "QUEUE device",
  version: 2,
  roles: {
    client: {
      label: "Client",
      socket: "REQ",
      script: "client.js",
      count: { default: 2, min: 1, max: 4 },
      countParam: "clients",
      endpoints: [{ connect: "frontend" }],
      params: ["interval"],
      actions: ["add", "kill", "restart"],
    },
    queue: {
      label: "Queue",
      socket: "ROUTER · DEALER",
      script: "queue.js",
      code: { file: "demos/queue/queue.ts", symbol: "queue" },
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ bind: "frontend" }, { bind: "backend" }],
      params: [],
    },
    worker: {
      label: "Worker",
      socket: "REP",
      script: "worker.js",
      count: { default: 2, min: 1, max: 4 },
      countParam: "workers",
      endpoints: [{ connect: "backend" }],
      params: ["work"],
      actions: ["add", "kill", "restart"],
    },
  },
  endpoints: { frontend: { standalone: "tcp://127.0.0.1:5559" }, backend: { standalone: "tcp://127.0.0.1:5560" } },
  edges: [
    { from: "client", to: "queue", forwardLabel: "request", backLabel: "reply" },
    { from: "queue", to: "worker" },
  ],
  params: {
    clients: { label: "Clients", default: 2, min: 1, max: 4, step: 1 },
    workers: { label: "Workers", default: 2, min: 1, max: 4, step: 1 },
    interval: { label: "Pause between requests", default: 500, min: 0, max: 5000, step: 50, unit: "ms" },
    work: { label: "Work per request", default: 300, min: 0, max: 5000, step: 50, unit: "ms" },
    transport: transportParam,
  },
  layout: [["client"], ["queue"], ["worker"]],
});
