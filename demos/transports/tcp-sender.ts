import { runRole } from "../lib/role.js";
import { transports } from "../../protocol/demos/transports/manifest.js";
import { send } from "./pair.js";

runRole(transports, "tcp-sender", ({ endpoint, params }) => send(endpoint, params.rate));
