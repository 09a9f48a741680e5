import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { pubSub } from "../../protocol/demos/pub-sub/manifest.js";
import { TOPICS } from "../../protocol/demos/pub-sub/topics.js";

/**
 * The publisher. An XPUB is a PUB that also hands us the subscriptions it gets ("allSubs":
 * every one, even a prefix it already has), so it can wait until `subscribers` have subscribed
 * before it publishes: the fix for slow joiners, who miss what was sent before their
 * subscription arrived. With 0 it publishes at once, as a plain PUB does.
 */
export async function pub(endpoint: string, rate: number, subscribers: number) {
  const socket = new zmq.XPublisher({ verbosity: "allSubs" });
  await socket.bind(endpoint);
  for (let subscribed = 0; subscribed < subscribers; subscribed++) await socket.receive();

  for (let update = 1; ; update++) {
    const topic = TOPICS[(update - 1) % TOPICS.length]!;
    await socket.send([topic, `${topic} #${update}`]);
    console.log(`Published ${topic} #${update}`);
    await sleep(1000 / rate);
  }
}

runRole(pubSub, "publisher", ({ endpoint, params }) => pub(endpoint, params.rate, params.sync ? params.subscribers : 0));
