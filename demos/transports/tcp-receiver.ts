import { runRole } from "../lib/role.js";
import { transports } from "./manifest.js";
import { receive } from "./pair.js";

runRole(transports, "tcp-receiver", ({ endpoint }) => receive(endpoint));
