import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { queueDemo } from "../../protocol/demos/queue/manifest.js";

/** A worker: answers whatever request the device hands it. It knows only the device. */
export async function worker(endpoint: string, name: string, work: number) {
  const socket = new zmq.Reply();
  socket.connect(endpoint);

  for await (const [request] of socket) {
    console.log(`Received request: [ ${request} ]`);
    await sleep(work); // do some 'work'
    await socket.send(`World from ${name}, for ${request}`);
  }
}

runRole(queueDemo, "worker", ({ endpoint, name, params }) => worker(endpoint, name, params.work));
