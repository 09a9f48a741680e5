import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { reqRep } from "../../protocol/demos/req-rep/manifest.js";

export async function startServer(endpoint: string, work: number) {
  const socket = new zmq.Reply();
  await socket.bind(endpoint);

  for await (const [request] of socket) {
    console.log(`Received request: [ ${request} ]`);
    await sleep(work); // do some 'work'
    await socket.send("World");
  }
}

runRole(reqRep, "server", ({ endpoint, params }) => startServer(endpoint, params.work));
