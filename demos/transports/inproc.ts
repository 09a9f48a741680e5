import { runRole } from "../lib/role.js";
import { transports } from "../../protocol/demos/transports/manifest.js";
import { receive, send } from "./pair.js";

/** inproc: both ends in this one process, sharing its ZeroMQ context; no network, no files. */
export async function inproc(rate: number) {
  await Promise.all([send("inproc://hello", rate), receive("inproc://hello")]);
}

runRole(transports, "inproc", ({ params }) => inproc(params.rate));
