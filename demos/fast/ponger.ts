import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { fast } from "../../protocol/demos/fast/manifest.js";

export async function echo(endpoint: string) {
  const socket = new zmq.Reply();
  await socket.bind(endpoint);
  for await (const message of socket) await socket.send(message);
}

runRole(fast, "ponger", ({ endpoint }) => echo(endpoint));
