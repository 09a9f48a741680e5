import type { DemoManifest } from "./manifest.js";
import { distAdder } from "./demos/dist-adder/manifest.js";
import { fast } from "./demos/fast/manifest.js";
import { forwarderDemo } from "./demos/forwarder/manifest.js";
import { pubLogger } from "./demos/pub-logger/manifest.js";
import { pubSub } from "./demos/pub-sub/manifest.js";
import { pushPull } from "./demos/push-pull/manifest.js";
import { queueDemo } from "./demos/queue/manifest.js";
import { reqRep } from "./demos/req-rep/manifest.js";
import { slowSubscriber } from "./demos/slow-subscriber/manifest.js";
import { streamerDemo } from "./demos/streamer/manifest.js";
import { transports } from "./demos/transports/manifest.js";

/** Every demo the bridge may start, by name. Nothing outside this table is ever spawned. */
export const manifests: ReadonlyMap<string, DemoManifest> = new Map(
  [reqRep, fast, pushPull, pubSub, slowSubscriber, pubLogger, queueDemo, streamerDemo, forwarderDemo, distAdder, transports].map(
    (manifest) => [manifest.name, manifest],
  ),
);
