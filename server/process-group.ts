/**
 * One demo process, started by the bridge in a process group of its own, with its IPC channel
 * for reports and its stdout/stderr read line by line.
 */
import type { ChildProcess } from "node:child_process";
import type { RoleCommand } from "../demos/lib/commands.js";
import { decodeReports } from "../demos/lib/report-codec.js";
import type { ChildReportBatch, EncodedReportBatch } from "../demos/lib/report-types.js";
import { readLines } from "./line-reader.js";
import { startDemoProcess } from "./warm-pool.js";

/** How long a process has to end after SIGTERM before its group gets SIGKILL. */
export const STOP_GRACE_MS = 2000;
/** Longest log line passed on; the rest of a line is dropped as it is read. */
const MAX_LOG_LINE = 2000;

export interface ProcessHandlers {
  onReports(batch: ChildReportBatch): void;
  onLine(stream: "stdout" | "stderr", text: string): void;
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
  /** Where a report batch the bridge cannot read is told of; the bridge's stderr by default. */
  log?(message: string): void;
}

function isReportBatch(message: unknown): message is EncodedReportBatch {
  return typeof message === "object" && message !== null && typeof (message as EncodedReportBatch).reports === "string";
}

export class DemoProcess {
  readonly pid: number;
  readonly #child: ChildProcess;
  #exited = false;
  readonly exited: Promise<void>;

  /** Starts `script` with `args`. Throws when the process cannot be started. */
  constructor(script: string, args: string[], handlers: ProcessHandlers) {
    // Each demo process leads its own process group, so one signal reaches all it may start.
    this.#child = startDemoProcess(script, args);
    if (this.#child.pid === undefined) throw new Error(`could not start ${script}`);
    this.pid = this.#child.pid;
    this.exited = new Promise((resolve) => {
      // "close", not "exit": it waits for the last line of output and the last IPC report.
      this.#child.once("close", (code, signal) => {
        this.#exited = true;
        handlers.onExit(code, signal);
        resolve();
      });
    });
    this.#child.on("message", (message) => {
      if (!isReportBatch(message)) return;
      let reports: ChildReportBatch["reports"];
      try {
        reports = decodeReports(Buffer.from(message.reports, "base64"));
      } catch (error) {
        // Not from report.ts (or cut short): none of it can be trusted, and the run goes on.
        const log = handlers.log ?? ((message: string) => process.stderr.write(`${message}\n`));
        log(`ignored a report batch from demo process ${this.pid}: ${(error as Error).message}`);
        return;
      }
      handlers.onReports({ reports });
    });
    // A failed IPC write after the child died is not the bridge's problem: exit tells the story.
    this.#child.on("error", () => {});
    for (const stream of ["stdout", "stderr"] as const) readLines(this.#child[stream]!, MAX_LOG_LINE, (line) => handlers.onLine(stream, line));
  }

  /** Passes a command to the process over its IPC channel; false when it can no longer take one. */
  command(command: RoleCommand): boolean {
    if (this.#exited || !this.#child.connected) return false;
    this.#child.send(command);
    return true;
  }

  get running(): boolean {
    return !this.#exited;
  }

  /** Sends a signal to the process's whole group; a group already gone is not an error. */
  signal(signal: NodeJS.Signals): void {
    if (this.#exited) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      // ESRCH: the group ended between the check and the kill.
    }
  }

  /**
   * Ends the process: SIGTERM, then SIGKILL to its group if it is still there after the grace
   * period. A process stopped with SIGSTOP holds the SIGTERM unread, and the SIGKILL ends it
   * all the same; it is not woken first (a test holds a process still that way, on purpose).
   */
  async stop(): Promise<void> {
    if (this.#exited) return;
    this.signal("SIGTERM");
    const timer = setTimeout(() => this.signal("SIGKILL"), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}
