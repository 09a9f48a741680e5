import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { streamerDemo } from "../../protocol/demos/streamer/manifest.js";

/** The STREAMER device: every task pulled from the producers is pushed on to the next worker. */
export async function streamer(frontendEndpoint: string, backendEndpoint: string) {
  const frontend = new zmq.Pull();
  const backend = new zmq.Push();
  await frontend.bind(frontendEndpoint);
  await backend.bind(backendEndpoint);

  for await (const message of frontend) await backend.send(message);
}

runRole(streamerDemo, "streamer", ({ endpoints }) => streamer(endpoints.frontend!, endpoints.backend!));
