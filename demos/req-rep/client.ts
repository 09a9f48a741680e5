import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { reqRep } from "../../protocol/demos/req-rep/manifest.js";

export async function startClient(endpoint: string, interval: number) {
  const socket = new zmq.Request();
  socket.connect(endpoint);

  for (let request = 0; ; request++) {
    console.log(`Sending request ${request} …`);
    await socket.send("Hello");

    const [reply] = await socket.receive();
    console.log(`Received reply ${request} [ ${reply} ]`);
    await sleep(interval);
  }
}

runRole(reqRep, "client", ({ endpoint, params }) => startClient(endpoint, params.interval));
