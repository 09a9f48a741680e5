import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { pubSub } from "../../protocol/demos/pub-sub/manifest.js";
import { FILTERS } from "../../protocol/demos/pub-sub/topics.js";

/** A subscriber: takes the messages whose topic starts with `filter` ("" is everything). */
export async function sub(endpoint: string, filter: string) {
  const socket = new zmq.Subscriber();
  socket.connect(endpoint);
  socket.subscribe(filter);
  console.log(`Subscribed to ${filter === "" ? "everything" : `"${filter}"`}`);

  for await (const [topic, message] of socket) {
    console.log(`[${topic}] ${message}`);
  }
}

// Subscribers take the filters in turn, so the first run already shows them apart.
runRole(pubSub, "subscriber", ({ endpoint, index }) => sub(endpoint, FILTERS[(index - 1) % FILTERS.length]!));
