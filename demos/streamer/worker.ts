import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { streamerDemo } from "../../protocol/demos/streamer/manifest.js";

/** A worker: takes tasks from the device, whoever produced them. */
export async function worker(endpoint: string, work: number) {
  const socket = new zmq.Pull();
  socket.connect(endpoint);

  for await (const [task] of socket) {
    console.log(`Working on ${task}`);
    await sleep(work);
  }
}

runRole(streamerDemo, "worker", ({ endpoint, params }) => worker(endpoint, params.work));
