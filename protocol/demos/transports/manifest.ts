import { defineDemo } from "../../manifest.js";

/**
 * The same PUSH → PULL pair over the three transports, side by side: inproc between two
 * sockets of one process, ipc between two processes on one machine, tcp over the network
 * (here, loopback).
 */
export const transports = defineDemo({
  name: "transports",
  title: "Transports: inproc, ipc, tcp",
  version: 2,
  roles: {
    inproc: {
      label: "inproc",
      socket: "PUSH → PULL",
      script: "inproc.js",
      count: { default: 1, min: 1, max: 1 },
      endpoints: [],
      params: ["rate"],
    },
    "ipc-sender": {
      label: "ipc sender",
      socket: "PUSH",
      script: "ipc-sender.js",
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ bind: "ipc" }],
      params: ["rate"],
    },
    "ipc-receiver": {
      label: "ipc receiver",
      socket: "PULL",
      script: "ipc-receiver.js",
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ connect: "ipc" }],
      params: [],
      actions: ["kill", "restart"],
    },
    "tcp-sender": {
      label: "tcp sender",
      socket: "PUSH",
      script: "tcp-sender.js",
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ bind: "tcp" }],
      params: ["rate"],
    },
    "tcp-receiver": {
      label: "tcp receiver",
      socket: "PULL",
      script: "tcp-receiver.js",
      count: { default: 1, min: 1, max: 1 },
      endpoints: [{ connect: "tcp" }],
      params: [],
      actions: ["kill", "restart"],
    },
  },
  endpoints: {
    ipc: { standalone: "ipc:///tmp/zeromq-from-scratch-transports", transport: "ipc" },
    tcp: { standalone: "tcp://127.0.0.1:5567", transport: "tcp" },
  },
  edges: [
    { from: "ipc-sender", to: "ipc-receiver", forwardLabel: "ipc://" },
    { from: "tcp-sender", to: "tcp-receiver", forwardLabel: "tcp://" },
  ],
  params: {
    rate: { label: "Messages per second", default: 5, min: 1, max: 200, step: 1, unit: "/s" },
  },
  layout: [
    ["inproc", "ipc-sender", "tcp-sender"],
    ["", "ipc-receiver", "tcp-receiver"],
  ],
});
