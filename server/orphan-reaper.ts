/**
 * A small program that outlives the bridge by a moment, to end what the bridge no longer can.
 *
 * Each demo process exits by itself when its IPC channel to the bridge closes — but only if it
 * can run code. One stopped with SIGSTOP (or Ctrl-Z) runs none, and after kill -9 of the bridge
 * it would stay stopped for ever, holding its ports. The kernel's own remedy (SIGHUP and SIGCONT
 * to a process group orphaned with a stopped member) needs the group to be in the bridge's
 * session, and demo processes each lead a session of their own (so that they can be niced apart
 * from the bridge, warm-pool.ts). So the bridge starts this program once, in a session of its
 * own too, writing to its stdin "+PGID" as each demo process group starts and "-PGID" once it
 * has ended. When stdin ends — the bridge has exited, however it did: the kernel closes a dead
 * process's end of the pipe — every group still listed gets SIGKILL, which ends a stopped
 * process as surely as a running one, and this program exits.
 *
 *   node build/server/orphan-reaper.js   (started by the bridge: orphan-guard.ts)
 */
const groups = new Set<number>();
let pending = "";

process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk: string) => {
  const lines = (pending + chunk).split("\n");
  pending = lines.pop()!;
  for (const line of lines) {
    const pgid = Number(line.slice(1));
    if (!Number.isInteger(pgid) || pgid <= 1) continue;
    if (line.startsWith("+")) groups.add(pgid);
    else if (line.startsWith("-")) groups.delete(pgid);
  }
});
process.stdin.on("close", () => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // Ended already (it saw the bridge go, as it should).
    }
  }
  process.exit(0);
});
// Signals meant for the bridge's terminal are not for this program: it ends when the bridge does.
for (const signal of ["SIGINT", "SIGHUP", "SIGTERM"] as const) process.on(signal, () => {});
