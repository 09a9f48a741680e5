import { runRole } from "../lib/role.js";
import { transports } from "../../protocol/demos/transports/manifest.js";
import { send } from "./pair.js";

runRole(transports, "ipc-sender", ({ endpoint, params }) => send(endpoint, params.rate));
