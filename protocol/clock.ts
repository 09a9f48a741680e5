/**
 * The clock every timestamp of the protocol is on: the system's monotonic clock, in ms, which
 * every process on the machine shares — so the bridge can compare a demo process's receive with
 * another's send, and date what it saw itself (a spawn, an exit) on the same line. Node only.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
