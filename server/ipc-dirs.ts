/**
 * The folders under the system's temporary directory that hold a run's ipc endpoints, and a
 * bridge's edited modules (role-code/sandbox.ts). Each is named after the bridge that made it
 * (`zmq-run-<pid>-XXXXXX`, `zmq-code-<pid>-XXXXXX`): a run removes its folder when it
 * ends, but a bridge killed with kill -9 (or one that crashed) cannot, so each bridge, as it
 * starts, removes the folders whose bridge is no longer running — and only those: bridges of
 * other checkouts may be running beside it, and their folders are theirs.
 */
import { lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PREFIX = "zmq-run-";
const NAME = /^zmq-(?:run|code)-(\d+)-[A-Za-z0-9]{6}$/;

/** A new folder for one run's ipc endpoints, owned by this process. */
export function makeRunIpcDir(): string {
  return mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
}

/** Whether a process with this pid exists: one we may not signal (another user's) exists too. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the run folders, of this user, whose bridge is gone; returns the paths removed. A pid
 * taken since by another program keeps its folder: left behind, never someone else's removed.
 */
export function removeOrphanedIpcDirs(directory = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const owner = NAME.exec(name)?.[1];
    if (owner === undefined || isRunning(Number(owner))) continue;
    const path = join(directory, name);
    try {
      const stats = lstatSync(path);
      if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid)) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}
