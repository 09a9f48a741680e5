import { runRole } from "../lib/role.js";
import { transports } from "../../protocol/demos/transports/manifest.js";
import { receive } from "./pair.js";

runRole(transports, "tcp-receiver", ({ endpoint }) => receive(endpoint));
