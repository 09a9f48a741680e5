/**
 * One demo process, started by the bridge in a process group of its own, with its report pipe
 * read batch by batch, its IPC channel for commands, and its stdout/stderr read line by line.
 */
import type { ChildProcess } from "node:child_process";
import type { RoleCommand } from "../protocol/commands.js";
import type { Readable } from "node:stream";
import { ReportStreamReader, decodeBatch } from "../protocol/report-codec.js";
import type { ChildReportBatch } from "../protocol/report-types.js";
import { readLines } from "./line-reader.js";
import { REPORT_FD, startDemoProcess } from "./warm-pool.js";

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

export class DemoProcess {
  readonly pid: number;
  readonly #child: ChildProcess;
  #exited = false;
  readonly exited: Promise<void>;

  /**
   * Starts `script` with `args`, under Node options `execArgv` when given (a sandbox's), else
   * every demo's. Throws when the process cannot be started.
   */
  constructor(script: string, args: string[], handlers: ProcessHandlers, execArgv?: readonly string[]) {
    // Each demo process leads its own process group, so one signal reaches all it may start.
    this.#child = startDemoProcess(script, args, execArgv);
    if (this.#child.pid === undefined) throw new Error(`could not start ${script}`);
    this.pid = this.#child.pid;
    this.exited = new Promise((resolve) => {
      // "close", not "exit": it waits for the last line of output and the last report.
      this.#child.once("close", (code, signal) => {
        this.#exited = true;
        handlers.onExit(code, signal);
        resolve();
      });
    });
    const log = handlers.log ?? ((message: string) => process.stderr.write(`${message}\n`));
    const reader = new ReportStreamReader();
    const pipe = this.#child.stdio[REPORT_FD] as Readable;
    const onChunk = (chunk: Buffer) => {
      let batches: Buffer[];
      try {
        batches = reader.push(chunk);
      } catch (error) {
        // The stream can no longer be cut into batches: nothing more of it can be trusted.
        log(`ignored the rest of the reports of demo process ${this.pid}: ${(error as Error).message}`);
        pipe.off("data", onChunk);
        pipe.resume();
        return;
      }
      for (const bytes of batches) {
        let batch: ChildReportBatch;
        try {
          batch = decodeBatch(bytes);
        } catch (error) {
          // Not from report.ts (or garbled): none of it can be trusted, and the run goes on.
          log(`ignored a report batch from demo process ${this.pid}: ${(error as Error).message}`);
          continue;
        }
        handlers.onReports(batch);
      }
    };
    pipe.on("data", onChunk);
    // A failed IPC write after the child died is not the bridge's problem: exit tells the story.
    this.#child.on("error", () => {});
    for (const stream of ["stdout", "stderr"] as const)
      readLines(this.#child[stream]!, MAX_LOG_LINE, (line) => handlers.onLine(stream, line));
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
