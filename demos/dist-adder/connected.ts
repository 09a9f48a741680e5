import type * as zmq from "../lib/zmq.js";
import { peersConnected } from "../lib/monitor.js";

/**
 * Resolves once `count` workers have connected to the manager's PUSH socket, as the socket's
 * monitor (zeromq.js's `socket.events`) reports their handshakes: a helper of ours, not a
 * zeromq.js call. A PUSH hands messages only to the peers it has at the time, so a manager that
 * pushes before then gives every task to the first worker to connect.
 */
export function workersConnected(tasks: zmq.Push, count: number): Promise<void> {
  return peersConnected(tasks, count);
}
