import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { streamerDemo } from "../../protocol/demos/streamer/manifest.js";

/** A producer: pushes its tasks into the device, `rate` a second. */
export async function producer(endpoint: string, name: string, rate: number) {
  const socket = new zmq.Push();
  socket.connect(endpoint);

  for (let task = 1; ; task++) {
    await socket.send(`task ${task} of ${name}`);
    await sleep(1000 / rate);
  }
}

runRole(streamerDemo, "producer", ({ endpoint, name, params }) => producer(endpoint, name, params.rate));
