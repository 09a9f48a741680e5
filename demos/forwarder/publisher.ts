import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { TOPICS } from "../../protocol/demos/pub-sub/topics.js";
import { forwarderDemo } from "../../protocol/demos/forwarder/manifest.js";

/** A publisher: publishes to the device, never knowing who subscribes behind it. */
export async function publisher(endpoint: string, name: string, rate: number) {
  const socket = new zmq.Publisher();
  socket.connect(endpoint);

  for (let update = 1; ; update++) {
    const topic = TOPICS[update % TOPICS.length]!;
    await socket.send([topic, `${topic} #${update} from ${name}`]);
    await sleep(1000 / rate);
  }
}

runRole(forwarderDemo, "publisher", ({ endpoint, name, params }) => publisher(endpoint, name, params.rate));
