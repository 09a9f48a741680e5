/**
 * Waiting on the socket monitor: zeromq.js gives every socket an event stream (`socket.events`:
 * accept, handshake, disconnect, …); these helpers wait for what a demo needs from it. They are
 * ours, not zeromq.js functions.
 */
export { peersConnected } from "./zmq.js";
