/**
 * What a demo process tells the bridge about itself, over its report pipe (see report.ts).
 * The bridge stamps each report with its run and node before it reaches a browser.
 * Timestamps are milliseconds of the system's monotonic clock (process.hrtime), which every
 * process on the machine shares, so a receive can be compared with the send it matches.
 */

/** A short, printable view of one frame, for labels and the inspector. */
export interface FramePreview {
  /** The frame as text when it is printable UTF-8, else as hex; cut to a bounded length. */
  text: string;
  /** True when `text` is hex because the frame was not printable. */
  binary: boolean;
  /** The frame's full length in bytes. */
  size: number;
}

/** Fields every report about one socket carries. */
interface SocketReportBase {
  /** Monotonic time in ms. */
  t: number;
  /** Which socket of the process: its number in order of creation, from 0. */
  socket: number;
}

export interface SocketOpenReport extends SocketReportBase {
  kind: "socket";
  /** The ZeroMQ socket type, as libzmq names it: "REQ", "REP", "PUSH", … */
  type: string;
}

export interface BoundReport extends SocketReportBase {
  kind: "bound";
  /** What the program asked for, such as `tcp://127.0.0.1:*`. */
  requested: string;
  /** What libzmq bound to (the port chosen for a wildcard). */
  endpoint: string;
}

export interface ConnectReport extends SocketReportBase {
  kind: "connecting";
  endpoint: string;
}

export interface MessageReport extends SocketReportBase {
  kind: "send" | "recv";
  /** This socket's own count of messages in this direction, including this one. */
  seq: number;
  /** Digest of all frames, in order: equal on both ends of a delivery. */
  digest: string;
  /** Total bytes over all frames. */
  size: number;
  frames: FramePreview[];
}

/**
 * Messages counted but not reported one by one, because the socket is busier than a person
 * can follow (see report.ts): how many, and their bytes, since the last flow report.
 */
export interface FlowReport extends SocketReportBase {
  kind: "flow";
  direction: "send" | "recv";
  count: number;
  bytes: number;
}

export interface MonitorReport extends SocketReportBase {
  kind: "monitor";
  /** The socket monitor's event name as zeromq.js gives it: "connect", "accept", … */
  event: string;
  endpoint?: string;
}

export interface ErrorReport {
  kind: "error";
  t: number;
  socket?: number;
  /** libzmq's or Node's error code, such as "EFSM" or "EAGAIN". */
  code: string;
  message: string;
}

/**
 * A SUB socket's filters changed. The bridge needs them to tell which published messages a
 * subscriber should have had (a message it never got but wanted is lost, not filtered out).
 */
export interface FilterReport extends SocketReportBase {
  kind: "filters";
  /** Every prefix the socket is now subscribed to ("" is everything). */
  filters: string[];
}

/**
 * A send the program made that libzmq has not taken for a while: the message waits at the
 * socket (a PUSH or REQ with no peer yet, a DEALER at its high-water mark). Reported once it
 * has waited a moment, and again (waiting: false) when libzmq takes it or the send fails.
 */
export interface SendWaitReport extends SocketReportBase {
  kind: "send-waiting";
  waiting: boolean;
}

/**
 * The socket has started counting messages in this direction again since its last flow report:
 * a flow report with their number follows. Written out at once, so a process killed before that
 * flow report went leaves the bridge knowing that its count of them is not known.
 */
export interface CountingReport extends SocketReportBase {
  kind: "counting";
  direction: "send" | "recv";
}

/**
 * The socket has waited for a message for a while with nothing to read: nothing was queued for
 * it at `t`. Reported once per such wait; the next message it receives ends it.
 */
export interface ReceiveIdleReport extends SocketReportBase {
  kind: "receive-idle";
}

/** The process's own totals, sent once as it ends. */
export interface TallyReport {
  kind: "tally";
  t: number;
  sent: number;
  received: number;
}

export type ChildReport =
  | SocketOpenReport
  | BoundReport
  | ConnectReport
  | MessageReport
  | FlowReport
  | MonitorReport
  | ErrorReport
  | FilterReport
  | SendWaitReport
  | CountingReport
  | ReceiveIdleReport
  | TallyReport;

/** Reports the bridge keeps to itself to judge the run: they say nothing a viewer sees. */
export type BookkeepingReport = CountingReport | ReceiveIdleReport;

/** One batch of a demo process's reports, in the order they happened, as the bridge reads it. */
export interface ChildReportBatch {
  reports: ChildReport[];
  /**
   * Everything the process did before this time is in this batch or an earlier one: every
   * message it received, every message libzmq took from it, every filter change.
   */
  heardUntil: number;
}
