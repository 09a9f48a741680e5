import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";

/** Sends a numbered message `rate` times a second. The endpoint alone says which transport. */
export async function send(endpoint: string, rate: number) {
  const socket = new zmq.Push();
  await socket.bind(endpoint);

  for (let n = 1; ; n++) {
    await socket.send(`message ${n} over ${endpoint.split(":")[0]}`);
    await sleep(1000 / rate);
  }
}

/** Prints every message that arrives, whichever transport brought it. */
export async function receive(endpoint: string) {
  const socket = new zmq.Pull();
  socket.connect(endpoint);

  for await (const [message] of socket) console.log(`Received ${message}`);
}
