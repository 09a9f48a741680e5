/** This machine's addresses, for tests that need a peer that is not on loopback. */
import { networkInterfaces } from "node:os";

/**
 * An IPv4 address of this machine other than loopback, or undefined when it has none. A socket
 * bound to it and connected to a bridge listening on every interface reaches the bridge from
 * that address: to the bridge, a machine elsewhere on the network.
 */
export function otherLocalAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .find((entry) => !entry.internal && entry.family === "IPv4")?.address;
}
