/**
 * Basic concepts, runnable: the context (one per process, the container of its sockets) and a
 * REQ socket made in it. The talk opened a Python shell here; this is the same look around:
 *   node build/demos/basics/context.js
 * zeromq.js makes the process's context itself, as `zmq.context`. (A second `new zmq.Context()`
 * is possible but fights the one-per-process rule, and a monitored socket in it can keep the
 * process from exiting: the context waits for the monitor's internal socket.)
 */
import * as zmq from "../lib/zmq.js";

export function createRequestSocket() {
  const context = zmq.context;
  const socket = new zmq.Request({ context });
  return { context, socket };
}

const { context, socket } = createRequestSocket();
console.log(`context: ${context.ioThreads} I/O thread(s), room for ${context.maxSockets} sockets`);
console.log(`socket: REQ, in that context: ${socket.context === context}, connected to nothing yet`);
socket.close();
console.log(`closed: ${socket.closed}`);
