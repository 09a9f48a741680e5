import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { forwarderDemo } from "../../protocol/demos/forwarder/manifest.js";

/**
 * The FORWARDER device: publishers connect to the XSUB, subscribers to the XPUB. Updates flow
 * down; subscriptions — a frame of 1 (subscribe) or 0 (unsubscribe) then the prefix — flow up,
 * so each publisher sends only what somebody wants.
 */
export async function forwarder(frontendEndpoint: string, backendEndpoint: string) {
  const frontend = new zmq.XSubscriber();
  const backend = new zmq.XPublisher();
  await frontend.bind(frontendEndpoint);
  await backend.bind(backendEndpoint);

  const updates = async () => {
    for await (const message of frontend) await backend.send(message);
  };
  const subscriptions = async () => {
    for await (const [subscription] of backend) {
      console.log(`${subscription![0] === 1 ? "subscribe" : "unsubscribe"} "${subscription!.subarray(1)}"`);
      await frontend.send(subscription!);
    }
  };
  await Promise.all([updates(), subscriptions()]);
}

runRole(forwarderDemo, "forwarder", ({ endpoints }) => forwarder(endpoints.frontend!, endpoints.backend!));
