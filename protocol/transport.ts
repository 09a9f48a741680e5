import type { ParamSpec } from "./manifest.js";

/** The `transport` parameter every demo takes: which transport the bridge binds its endpoints on. */
export const transportParam: ParamSpec = { label: "Transport", default: 0, min: 0, max: 1, step: 1, choices: ["tcp", "ipc"] };
