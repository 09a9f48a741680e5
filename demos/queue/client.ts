import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { queueDemo } from "../../protocol/demos/queue/manifest.js";

/** A client: asks, waits for the answer, pauses, asks again. It knows only the device. */
export async function client(endpoint: string, name: string, interval: number) {
  const socket = new zmq.Request();
  socket.connect(endpoint);

  for (let request = 1; ; request++) {
    await socket.send(`Hello ${request} from ${name}`);
    const [reply] = await socket.receive();
    console.log(`Received [ ${reply} ]`);
    await sleep(interval);
  }
}

runRole(queueDemo, "client", ({ endpoint, name, params }) => client(endpoint, name, params.interval));
