import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import type { LogRecord } from "./logger.js";
import { pubLogger } from "../../protocol/demos/pub-logger/manifest.js";

/** Prints the log records of every program that publishes to `endpoint`, from `level` ("" all). */
export async function watch(endpoint: string, level: string) {
  const socket = new zmq.Subscriber();
  await socket.bind(endpoint);
  socket.subscribe(level);

  for await (const [, body] of socket) {
    const record = JSON.parse(body!.toString()) as LogRecord;
    console.log(`${record.time.slice(11, 23)} ${record.name} ${record.level}: ${record.message}`);
  }
}

runRole(pubLogger, "watcher", ({ endpoint }) => watch(endpoint, ""));
