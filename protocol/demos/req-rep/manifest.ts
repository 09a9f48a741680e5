import { defineDemo } from "../../manifest.js";
import { transportParam } from "../../transport.js";

/** Request/Reply: the talk's hello-world client and server. */
export const reqRep = defineDemo({
  name: "req-rep",
  title: "Request/Reply",
  version: 3,
  roles: {
    client: {
      label: "Client",
      socket: "REQ",
      script: "client.js",
      code: { file: "demos/req-rep/client.ts", symbol: "startClient" },
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ connect: "hello" }],
      params: ["interval"],
      actions: ["send-twice", "kill", "restart"],
    },
    server: {
      label: "Server",
      socket: "REP",
      script: "server.js",
      code: { file: "demos/req-rep/server.ts", symbol: "startServer" },
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ bind: "hello" }],
      params: ["work"],
      actions: ["kill", "restart"],
    },
  },
  endpoints: { hello: { standalone: "tcp://127.0.0.1:5555" } },
  edges: [{ from: "client", to: "server", forwardLabel: "Hello", backLabel: "World" }],
  params: {
    interval: { label: "Pause between requests", default: 500, min: 0, max: 5000, step: 50, unit: "ms" },
    work: { label: "Server work per request", default: 200, min: 0, max: 5000, step: 50, unit: "ms" },
    transport: transportParam,
  },
  layout: [["client"], ["server"]],
});
