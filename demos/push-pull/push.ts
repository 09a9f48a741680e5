import * as zmq from "../lib/zmq.js";
import { runRole, untilStopped } from "../lib/role.js";
import { pushPull } from "../../protocol/demos/push-pull/manifest.js";
import { paced } from "./paced.js";

/** The ventilator: sends `tasks` tasks (0: forever), `rate` a second, to whichever worker is next. */
export async function push(endpoint: string, rate: number, tasks: number) {
  const sender = new zmq.Push();
  await sender.bind(endpoint);

  for await (const task of paced(rate, tasks)) {
    await sender.send(`task ${task}`);
    console.log(`Sent task ${task}`);
  }
  console.log("All tasks sent");
  await untilStopped();
}

runRole(pushPull, "ventilator", ({ endpoint, params }) => push(endpoint, params.rate, params.tasks));
