import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { FILTERS } from "../../protocol/demos/pub-sub/topics.js";
import { forwarderDemo } from "../../protocol/demos/forwarder/manifest.js";

/** A subscriber: the same as without the device; it cannot tell a forwarder from a publisher. */
export async function subscriber(endpoint: string, filter: string) {
  const socket = new zmq.Subscriber();
  socket.connect(endpoint);
  socket.subscribe(filter);
  console.log(`Subscribed to ${filter === "" ? "everything" : `"${filter}"`}`);

  for await (const [topic, message] of socket) {
    console.log(`[${topic}] ${message}`);
  }
}

runRole(forwarderDemo, "subscriber", ({ endpoint, index }) => subscriber(endpoint, FILTERS[(index - 1) % FILTERS.length]!));
