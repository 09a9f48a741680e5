import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { queueDemo } from "../../protocol/demos/queue/manifest.js";

/** Passes every message from one socket to the other, envelope and all. */
async function forward(from: zmq.Router | zmq.Dealer, to: zmq.Router | zmq.Dealer) {
  for await (const message of from) await to.send(message);
}

/**
 * The QUEUE device: clients connect to the ROUTER, workers to the DEALER. Requests go out to
 * workers in turn; each reply finds its client by the envelope the ROUTER put on its request.
 */
export async function queue(frontendEndpoint: string, backendEndpoint: string) {
  const frontend = new zmq.Router();
  const backend = new zmq.Dealer();
  await frontend.bind(frontendEndpoint);
  await backend.bind(backendEndpoint);

  await Promise.all([forward(frontend, backend), forward(backend, frontend)]);
}

runRole(queueDemo, "queue", ({ endpoints }) => queue(endpoints.frontend!, endpoints.backend!));
