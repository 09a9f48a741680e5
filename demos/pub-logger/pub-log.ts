import * as zmq from "../lib/zmq.js";
import type { Logger } from "./logger.js";

/**
 * Sends every record of `logger` to `endpoint` on a PUB socket, with its level as the topic,
 * so a watcher can subscribe to "ERROR" and get only errors.
 */
export function addZmqHandler(logger: Logger, endpoint: string): void {
  const socket = new zmq.Publisher();
  socket.connect(endpoint);

  // A socket takes one send at a time: each record waits for the one before it.
  let previous = Promise.resolve();
  logger.addHandler((record) => {
    previous = previous.then(() => socket.send([record.level, JSON.stringify(record)]));
  });
}
