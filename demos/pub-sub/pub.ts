import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { pubSub } from "./manifest.js";
import { TOPICS } from "./topics.js";

/**
 * The publisher. An XPUB is a PUB that also hands us the subscriptions it gets, which is how it
 * can wait for its subscribers: the fix for slow joiners, who miss what was sent before they
 * subscribed. `waitFor` 0 publishes at once, as a plain PUB would. A publisher never waits for
 * a slow subscriber: once `hwm` messages queue for one, it drops the next ones for that one.
 */
export async function pub(endpoint: string, rate: number, waitFor: number, hwm: number) {
  const socket = new zmq.XPublisher({ verbosity: "allSubs", sendHighWaterMark: hwm, sendBufferSize: 1024 });
  await socket.bind(endpoint);

  for (let subscribed = 0; subscribed < waitFor; subscribed++) await socket.receive();

  for (let update = 0; ; update++) {
    const topic = TOPICS[update % TOPICS.length]!;
    await socket.send([topic, `${topic} #${update}`]);
    console.log(`Published ${topic} #${update}`);
    await sleep(1000 / rate);
  }
}

runRole(pubSub, "publisher", ({ endpoint, params }) => pub(endpoint, params.rate!, params.sync ? params.subscribers! : 0, params.hwm!));
