/**
 * How much one connection, and the whole bridge, may start and send. A talk runs one demo at
 * a time with at most a dozen processes; these leave room for a presenter, a learner's second
 * tab and the tests, and keep a runaway page or script from filling a 2-core laptop with
 * processes during a talk.
 */
import { type DemoManifest, type ParamValues, roleCount } from "../protocol/manifest.js";

export interface Limits {
  /** Runs one page may have at once: a slide holds one demo; a few leave room for tabs. */
  runsPerConnection: number;
  /** Processes one page's runs may have at once. */
  processesPerConnection: number;
  /** Runs across every page. */
  runsTotal: number;
  /** Processes across every page: each is a Node process with libzmq, ~40 MB and a start-up burst of CPU. */
  processesTotal: number;
  /** The presenter's WebSocket connections at once (pages on this machine): tabs, a reload, the tutorial. */
  presenterConnections: number;
  /** Viewers' WebSocket connections at once, counted apart, so a full room never locks the presenter out. */
  viewerConnections: number;
  /** TCP connections at once, HTTP and WebSocket alike, from anywhere (see connection-cap.ts). */
  httpConnections: number;
  /** Of those, how many only this machine may take: room for the presenter however many come from elsewhere. */
  httpConnectionsKeptForThisMachine: number;
  /** Messages a connection may send at once, then `messagesPerSecond` more each second. */
  messageBurst: number;
  messagesPerSecond: number;
  /**
   * Requests that start processes a connection may make at once, then `runsPerSecond` more each
   * second: runs, and the adds and restarts of a live run's processes.
   */
  runBurst: number;
  runsPerSecond: number;
  /** A connection that sends nothing for this long has its runs stopped: a forgotten tab. */
  idleTimeoutMs: number;
  /** WebSocket frames above this are refused by ws itself, which closes the connection (1009). */
  maxPayloadBytes: number;
  /** A page that lets this much of its event stream pile up unread is disconnected. */
  maxBufferedBytes: number;
  /** How often the bridge pings each page; one that misses a ping's pong is gone (lid closed, Wi-Fi lost). */
  heartbeatMs: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  runsPerConnection: 4,
  processesPerConnection: 24,
  runsTotal: 12,
  processesTotal: 48,
  presenterConnections: 32,
  viewerConnections: 64,
  httpConnections: 256,
  httpConnectionsKeptForThisMachine: 64,
  messageBurst: 200,
  messagesPerSecond: 100,
  runBurst: 8,
  runsPerSecond: 2,
  idleTimeoutMs: 15 * 60_000,
  /** A message carrying a learner's code is the longest a page sends (protocol.ts's MAX_CODE_MESSAGE_BYTES). */
  maxPayloadBytes: 128 * 1024,
  maxBufferedBytes: 8 * 1024 * 1024,
  heartbeatMs: 20_000,
});

/** How many processes a run of `manifest` starts: each role's default count. */
export function processesOf(manifest: DemoManifest, params: ParamValues): number {
  return Object.values(manifest.roles).reduce((total, role) => total + roleCount(role, params), 0);
}

export type BudgetRefusal = "too-many-runs" | "too-many-processes";

/** Counts the live runs and processes of one connection, or of the whole bridge, against caps. */
export class Budget {
  readonly maxRuns: number;
  readonly maxProcesses: number;
  #runs = 0;
  #processes = 0;

  constructor(maxRuns: number, maxProcesses: number) {
    this.maxRuns = maxRuns;
    this.maxProcesses = maxProcesses;
  }

  /** Why a run of `processes` processes may not start now; undefined when it may. */
  refusal(processes: number): BudgetRefusal | undefined {
    if (this.#runs + 1 > this.maxRuns) return "too-many-runs";
    if (this.#processes + processes > this.maxProcesses) return "too-many-processes";
    return undefined;
  }

  /** Whether a live run may grow by `processes` more (a worker added while it runs). */
  mayGrow(processes: number): boolean {
    return this.#processes + processes <= this.maxProcesses;
  }

  /** Counts `processes` more for a live run (fewer, to give back a growth that failed). */
  grow(processes: number): void {
    this.#processes = Math.max(0, this.#processes + processes);
  }

  take(processes: number): void {
    this.#runs += 1;
    this.#processes += processes;
  }

  release(processes: number): void {
    this.#runs = Math.max(0, this.#runs - 1);
    this.#processes = Math.max(0, this.#processes - processes);
  }

  get runs(): number {
    return this.#runs;
  }

  get processes(): number {
    return this.#processes;
  }
}
