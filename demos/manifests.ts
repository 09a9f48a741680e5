import type { DemoManifest } from "./lib/manifest.js";
import { distAdder } from "./dist-adder/manifest.js";
import { fast } from "./fast/manifest.js";
import { forwarderDemo } from "./forwarder/manifest.js";
import { pubLogger } from "./pub-logger/manifest.js";
import { pubSub } from "./pub-sub/manifest.js";
import { pushPull } from "./push-pull/manifest.js";
import { queueDemo } from "./queue/manifest.js";
import { reqRep } from "./req-rep/manifest.js";
import { slowSubscriber } from "./slow-subscriber/manifest.js";
import { streamerDemo } from "./streamer/manifest.js";
import { transports } from "./transports/manifest.js";

/** Every demo the bridge may start, by name. Nothing outside this table is ever spawned. */
export const manifests: ReadonlyMap<string, DemoManifest> = new Map(
  [reqRep, fast, pushPull, pubSub, slowSubscriber, pubLogger, queueDemo, streamerDemo, forwarderDemo, distAdder, transports].map((manifest) => [manifest.name, manifest]),
);
