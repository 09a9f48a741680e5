import type { DemoManifest } from "./lib/manifest.js";
import { fast } from "./fast/manifest.js";
import { reqRep } from "./req-rep/manifest.js";

/** Every demo the bridge may start, by name. Nothing outside this table is ever spawned. */
export const manifests: ReadonlyMap<string, DemoManifest> = new Map([reqRep, fast].map((manifest) => [manifest.name, manifest]));
