import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { TOPICS } from "../../protocol/demos/pub-sub/topics.js";
import { slowSubscriber } from "../../protocol/demos/slow-subscriber/manifest.js";
import { publisherLimits } from "./queue-limits.js";

/**
 * The Pub/Sub publisher (demos/pub-sub/pub.ts), synced, with small queues and `size` bytes of
 * padding per message. It never waits for a slow subscriber: once `hwm` messages queue for
 * one, it drops the next ones for that one.
 */
export async function pub(endpoint: string, rate: number, subscribers: number, hwm: number, size: number) {
  const socket = new zmq.XPublisher({ verbosity: "allSubs", ...publisherLimits(hwm) });
  await socket.bind(endpoint);
  for (let subscribed = 0; subscribed < subscribers; subscribed++) await socket.receive();

  const padding = Buffer.alloc(size);
  for (let update = 1; ; update++) {
    const topic = TOPICS[(update - 1) % TOPICS.length]!;
    await socket.send([topic, `${topic} #${update}`, padding]);
    console.log(`Published ${topic} #${update}`);
    await sleep(1000 / rate);
  }
}

runRole(slowSubscriber, "publisher", ({ endpoint, params }) => pub(endpoint, params.rate, params.subscribers, params.hwm, params.size));
