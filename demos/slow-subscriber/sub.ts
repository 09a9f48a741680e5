import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { FILTERS } from "../../protocol/demos/pub-sub/topics.js";
import { slowSubscriber } from "../../protocol/demos/slow-subscriber/manifest.js";
import { subscriberLimits } from "./queue-limits.js";

/** The Pub/Sub subscriber (demos/pub-sub/sub.ts), spending `work` ms on each message: too slow. */
export async function sub(endpoint: string, filter: string, work: number, hwm: number) {
  const socket = new zmq.Subscriber(subscriberLimits(hwm));
  socket.connect(endpoint);
  socket.subscribe(filter);
  console.log(`Subscribed to ${filter === "" ? "everything" : `"${filter}"`}`);

  for await (const [topic, message] of socket) {
    console.log(`[${topic}] ${message}`);
    await sleep(work);
  }
}

runRole(slowSubscriber, "subscriber", ({ endpoint, index, params }) =>
  sub(endpoint, FILTERS[(index - 1) % FILTERS.length]!, params.work, params.hwm),
);
