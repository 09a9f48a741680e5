import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { fast } from "../../protocol/demos/fast/manifest.js";

export async function blast(endpoint: string, count: number, size: number) {
  const socket = new zmq.Push();
  socket.connect(endpoint);
  const message = Buffer.alloc(size, "z");

  for (;;) {
    for (let i = 0; i < count; i++) await socket.send(message);
    await sleep(1500); // let the pinger measure, and the audience read
  }
}

runRole(fast, "sender", ({ endpoint, params }) => blast(endpoint, params.count, params.size));
