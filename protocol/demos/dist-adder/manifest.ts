import { defineDemo } from "../../manifest.js";
import { transportParam } from "../../transport.js";

/**
 * The distributed adder, the talk's complete application: the manager splits 0..length-1
 * into sub-arrays, workers add them up, the sink adds up their results.
 */
export const distAdder = defineDemo({
  name: "dist-adder",
  title: "Distributed adder",
  version: 3,
  roles: {
    manager: {
      label: "Manager",
      socket: "PUSH",
      script: "manager.js",
      code: { file: "demos/dist-adder/manager.ts", symbol: "startManager" },
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ bind: "tasks" }],
      params: ["length", "size", "workers", "wait"],
    },
    worker: {
      label: "Worker",
      socket: "PULL · XPUB",
      script: "worker.js",
      code: { file: "demos/dist-adder/worker.ts", symbol: "startWorker" },
      count: { default: 4, min: 1, max: 16 },
      countParam: "workers",
      endpoints: [{ connect: "tasks" }, { connect: "results" }],
      params: [],
      actions: ["add", "kill", "restart"],
    },
    sink: {
      label: "Sink",
      socket: "SUB",
      script: "sink.js",
      code: { file: "demos/dist-adder/sink.ts", symbol: "startSink" },
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ bind: "results" }],
      params: ["length", "size"],
      finishes: true,
    },
  },
  endpoints: { tasks: { standalone: "tcp://127.0.0.1:5565" }, results: { standalone: "tcp://127.0.0.1:5566" } },
  edges: [
    { from: "manager", to: "worker", forwardLabel: "Task" },
    { from: "worker", to: "sink", forwardLabel: "Result" },
  ],
  params: {
    length: { label: "Numbers to add (0..length-1)", default: 100, min: 1, max: 100000, step: 1 },
    size: { label: "Sub-array size", default: 10, min: 1, max: 10000, step: 1 },
    workers: { label: "Workers", default: 4, min: 1, max: 16, step: 1 },
    wait: { label: "Wait for the workers (the fix)", default: 0, min: 0, max: 1, step: 1, choices: ["off", "on"] },
    transport: transportParam,
  },
  layout: [["manager"], ["worker"], ["sink"]],
});
