import { defineDemo } from "../../manifest.js";
import { transportParam } from "../../transport.js";

/** STREAMER: a PULL → PUSH device between producers of tasks and the workers that take them. */
export const streamerDemo = defineDemo({
  name: "streamer",
  title: "STREAMER device",
  version: 2,
  roles: {
    producer: {
      label: "Producer",
      socket: "PUSH",
      script: "producer.js",
      count: { default: 2, min: 1, max: 4 },
      countParam: "producers",
      endpoints: [{ connect: "frontend" }],
      params: ["rate"],
      actions: ["add", "kill", "restart"],
    },
    streamer: {
      label: "Streamer",
      socket: "PULL · PUSH",
      script: "streamer.js",
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ bind: "frontend" }, { bind: "backend" }],
      params: [],
    },
    worker: {
      label: "Worker",
      socket: "PULL",
      script: "worker.js",
      count: { default: 3, min: 1, max: 6 },
      countParam: "workers",
      endpoints: [{ connect: "backend" }],
      params: ["work"],
      actions: ["add", "kill", "restart"],
    },
  },
  endpoints: { frontend: { standalone: "tcp://127.0.0.1:5561" }, backend: { standalone: "tcp://127.0.0.1:5562" } },
  edges: [
    { from: "producer", to: "streamer", forwardLabel: "task" },
    { from: "streamer", to: "worker" },
  ],
  params: {
    producers: { label: "Producers", default: 2, min: 1, max: 4, step: 1 },
    workers: { label: "Workers", default: 3, min: 1, max: 6, step: 1 },
    rate: { label: "Tasks per second, each producer", default: 3, min: 1, max: 100, step: 1, unit: "/s" },
    work: { label: "Work per task", default: 300, min: 0, max: 2000, step: 50, unit: "ms" },
    transport: transportParam,
  },
  layout: [["producer"], ["streamer"], ["worker"]],
});
