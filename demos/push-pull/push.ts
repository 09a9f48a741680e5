import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole, untilStopped } from "../lib/role.js";
import { pushPull } from "./manifest.js";

/** The ventilator: sends `tasks` tasks (0: forever), `rate` a second, to whichever worker is next. */
export async function push(endpoint: string, rate: number, tasks: number) {
  const sender = new zmq.Push();
  await sender.bind(endpoint);

  let due = performance.now();
  for (let task = 1; tasks === 0 || task <= tasks; task++) {
    await sender.send(`task ${task}`);
    console.log(`Sent task ${task}`);
    // Each task has its due time, so the rate holds however long a send took (timers are
    // coarse); after a stall (no worker yet) it catches up for at most 0.1 s, not in a burst.
    due = Math.max(due + 1000 / rate, performance.now() - 100);
    if (due > performance.now()) await sleep(due - performance.now());
  }
  console.log("All tasks sent");
  await untilStopped();
}

runRole(pushPull, "ventilator", ({ endpoint, params }) => push(endpoint, params.rate!, params.tasks!));
