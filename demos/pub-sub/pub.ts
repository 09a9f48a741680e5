import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { pubSub } from "./manifest.js";
import { TOPICS } from "./topics.js";

/** How the publisher publishes: the demo's parameters. */
interface Publishing {
  rate: number;
  waitFor: number;
  hwm: number;
  size: number;
}

/**
 * The publisher. An XPUB is a PUB that also hands us the subscriptions it gets, which is how it
 * can wait for its subscribers: the fix for slow joiners, who miss what was sent before they
 * subscribed. `waitFor` 0 publishes at once, as a plain PUB would. A publisher never waits for
 * a slow subscriber: once `hwm` messages queue for one, it drops the next ones for that one.
 * The kernel's buffers hold bytes, not messages, and are kept small, so `size` bytes of padding
 * make a message heavy enough that a few fill them and the high-water mark bites at once.
 */
export async function pub(endpoint: string, { rate, waitFor, hwm, size }: Publishing) {
  const socket = new zmq.XPublisher({ verbosity: "allSubs", sendHighWaterMark: hwm });
  socket.sendBufferSize = 1024; // a small kernel buffer: the queue fills soon
  await socket.bind(endpoint);

  for (let subscribed = 0; subscribed < waitFor; subscribed++) await socket.receive();

  const padding = Buffer.alloc(size);
  for (let update = 0; ; update++) {
    const topic = TOPICS[update % TOPICS.length]!;
    await socket.send([topic, `${topic} #${update}`, padding]);
    console.log(`Published ${topic} #${update}`);
    await sleep(1000 / rate);
  }
}

runRole(pubSub, "publisher", ({ endpoint, params }) =>
  pub(endpoint, { rate: params.rate!, waitFor: params.sync ? params.subscribers! : 0, hwm: params.hwm!, size: params.size! }),
);
