import { defineDemo } from "../../manifest.js";
import { transportParam } from "../../transport.js";

/** Push/Pull: a ventilator hands tasks out to workers, one each in turn. */
export const pushPull = defineDemo({
  name: "push-pull",
  title: "Push/Pull",
  version: 4,
  roles: {
    ventilator: {
      label: "Ventilator",
      socket: "PUSH",
      script: "push.js",
      code: { file: "demos/push-pull/push.ts", symbol: "push" },
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ bind: "tasks" }],
      params: ["rate", "tasks"],
    },
    worker: {
      label: "Worker",
      socket: "PULL",
      script: "pull.js",
      code: { file: "demos/push-pull/pull.ts", symbol: "pull" },
      count: { default: 3, min: 1, max: 8 },
      countParam: "workers",
      endpoints: [{ connect: "tasks" }],
      params: ["work"],
      actions: ["add", "kill", "restart"],
    },
  },
  endpoints: { tasks: { standalone: "tcp://127.0.0.1:5557" } },
  edges: [{ from: "ventilator", to: "worker", forwardLabel: "task" }],
  params: {
    workers: { label: "Workers", default: 3, min: 1, max: 8, step: 1 },
    rate: { label: "Tasks per second", default: 10, min: 1, max: 1000, step: 1, unit: "/s" },
    work: { label: "Work per task", default: 200, min: 0, max: 2000, step: 50, unit: "ms" },
    tasks: { label: "Tasks to send (0: no end)", default: 0, min: 0, max: 10000, step: 1 },
    transport: transportParam,
  },
  layout: [["ventilator"], ["worker"]],
});
