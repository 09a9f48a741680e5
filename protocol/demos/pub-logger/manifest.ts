import { defineDemo } from "../../manifest.js";
import { transportParam } from "../../transport.js";
import { LEVELS } from "./levels.js";

/** Logging over PUB/SUB: programs publish their log records, a watcher prints those it wants. */
export const pubLogger = defineDemo({
  name: "pub-logger",
  title: "Logging over PUB/SUB",
  version: 2,
  roles: {
    program: {
      label: "Program",
      socket: "PUB",
      script: "program.js",
      code: { file: "demos/pub-logger/pub-log.ts", symbol: "addZmqHandler" },
      count: { default: 2, min: 1, max: 4 },
      countParam: "programs",
      endpoints: [{ connect: "logs" }],
      params: ["rate"],
      actions: ["add", "kill", "restart"],
    },
    watcher: {
      label: "Watcher",
      socket: "SUB",
      script: "watcher.js",
      code: { file: "demos/pub-logger/watcher.ts", symbol: "watch" },
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ bind: "logs" }],
      params: [],
      actions: ["filter"],
      filters: ["", ...LEVELS],
    },
  },
  endpoints: { logs: { standalone: "tcp://127.0.0.1:5558" } },
  edges: [{ from: "program", to: "watcher", forwardLabel: "log record", labelFrame: 0 }],
  params: {
    programs: { label: "Programs", default: 2, min: 1, max: 4, step: 1 },
    rate: { label: "Records per second", default: 4, min: 1, max: 100, step: 1, unit: "/s" },
    transport: transportParam,
  },
  layout: [["program"], ["watcher"]],
});
