import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { pushPull } from "../../protocol/demos/push-pull/manifest.js";

/** A worker: takes tasks as they come and spends `work` ms on each. */
export async function pull(endpoint: string, work: number) {
  const receiver = new zmq.Pull();
  receiver.connect(endpoint);

  for await (const [task] of receiver) {
    console.log(`Working on ${task}`);
    await sleep(work); // do some 'work'
  }
}

runRole(pushPull, "worker", ({ endpoint, params }) => pull(endpoint, params.work));
