import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole, untilStopped } from "../lib/role.js";
import { pushPull } from "./manifest.js";

/** The ventilator: sends `tasks` tasks (0: forever), `rate` a second, to whichever worker is next. */
export async function push(endpoint: string, rate: number, tasks: number) {
  const sender = new zmq.Push();
  await sender.bind(endpoint);

  for (let task = 1; tasks === 0 || task <= tasks; task++) {
    await sender.send(`task ${task}`);
    console.log(`Sent task ${task}`);
    await sleep(1000 / rate);
  }
  console.log("All tasks sent");
  await untilStopped();
}

runRole(pushPull, "ventilator", ({ endpoint, params }) => push(endpoint, params.rate!, params.tasks!));
