import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { pubSub } from "./manifest.js";
import { FILTERS } from "./topics.js";

/**
 * A subscriber: takes the messages whose topic starts with `filter` ("" is everything), and
 * spends `work` ms on each. While it works, at most `hwm` messages wait for it here.
 */
export async function sub(endpoint: string, filter: string, work: number, hwm: number) {
  const socket = new zmq.Subscriber({ receiveHighWaterMark: hwm, receiveBufferSize: 1024 });
  socket.connect(endpoint);
  socket.subscribe(filter);
  console.log(`Subscribed to ${filter === "" ? "everything" : `"${filter}"`}`);

  for await (const [topic, message] of socket) {
    console.log(`[${topic}] ${message}`);
    if (work > 0) await sleep(work);
  }
}

// Subscribers take the filters in turn, so the first run already shows them apart.
runRole(pubSub, "subscriber", ({ endpoint, index, params }) => sub(endpoint, FILTERS[(index - 1) % FILTERS.length]!, params.work!, params.hwm!));
