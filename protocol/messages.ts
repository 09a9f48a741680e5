/**
 * The messages between a browser and the bridge, as types: what both ends agree on. The bridge
 * checks what arrives against schemas of its own (server/client-messages.ts), held to these.
 */
import type { BookkeepingReport, ChildReport, FramePreview } from "./report-types.js";
import type { ActionName } from "./manifest.js";

/** Bump when a message changes shape, so an old page and a new bridge can tell. */
export const PROTOCOL_VERSION = 3;

/** The largest WebSocket message the bridge reads from a client, in bytes, unless it carries code. */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;
/** The largest edited function a page may send, in UTF-8 bytes; more gets `code-too-large`. */
export const MAX_CODE_BYTES = 32 * 1024;
/**
 * The largest message carrying code (a run with `code`, a check) the bridge reads: room for
 * MAX_CODE_BYTES of source however JSON escapes it, so an over-long edit is told so by name.
 */
export const MAX_CODE_MESSAGE_BYTES = 128 * 1024;

/** A browser asks to start a run of `demo`. */
export interface RunRequest {
  type: "run";
  requestId: string;
  demo: string;
  /** Parameter values by name; the demo's manifest bounds them. Missing ones take defaults. */
  params?: Record<string, number>;
  /**
   * A learner's version of one role's function (the whole declaration, as the slide shows it):
   * every process of `role` runs it in place of the demo's own; the other roles run as usual.
   */
  code?: { role: string; source: string };
}

/** Checks a learner's version of a role's function, for the editor's marks while typing: nothing starts. */
export interface CheckRequest {
  type: "check";
  requestId: string;
  demo: string;
  role: string;
  source: string;
}

export interface StopRequest {
  type: "stop";
  requestId: string;
  runId: string;
}

/**
 * Something a viewer does to a live run, as the demo's manifest allows: `node` names a process
 * ("worker-3") for kill, restart, send-twice and filter; `role` names a role for add. `filter`
 * is one of the role's listed filters. Names and choices only: never a command or a path.
 */
export interface ActionRequest {
  type: "action";
  requestId: string;
  runId: string;
  action: ActionName;
  node?: string;
  role?: string;
  filter?: string;
}

/** A viewer (or any page) asks to be shown the presenter's runs of one demo, live and future. */
export interface WatchRequest {
  type: "watch";
  requestId: string;
  demo: string;
}

/** The presenter shows slide `slide` (its id): viewers who follow go there too. */
export interface SlideRequest {
  type: "slide";
  requestId: string;
  slide: string;
}

/** What a browser may ask of the bridge (server/client-messages.ts checks each as it arrives). */
export type ClientMessage = RunRequest | StopRequest | ActionRequest | WatchRequest | SlideRequest | CheckRequest;

/** Why the bridge said no, as a code a client can act on and show. */
export type ErrorCode =
  | "bad-json"
  | "bad-message"
  | "binary-not-accepted"
  | "too-large"
  | "unknown-demo"
  | "bad-params"
  | "unknown-run"
  | "unknown-node"
  | "bad-action"
  | "too-many-runs"
  /** Starting the run would take this page, or the bridge, over its cap on processes. */
  | "too-many-processes"
  /** More messages, or more runs, than a page may send per second; try again shortly. */
  | "rate-limited"
  /** A viewer of a shared deck asked for something only the presenter may do. */
  | "read-only"
  | "spawn-failed"
  /** The edited function sent is over MAX_CODE_BYTES. */
  | "code-too-large"
  /** This bridge cannot run edited code: its Node has no permission model to run it under. */
  | "code-unavailable"
  /** The bridge failed in a way it did not expect; it kept running and changed nothing. */
  | "internal-error";

/**
 * Who is on the other end of a connection. The presenter (a page on this machine, without a
 * share token) may run, stop and act; a viewer (a page holding the share token) may watch.
 */
export type AccessRole = "presenter" | "viewer";

/** One process of a run, as the diagram names it. */
export interface NodeInfo {
  /** `${role}-${index}`, unique within a run: "client-1". */
  id: string;
  role: string;
  index: number;
  pid: number;
  /** The process runs the learner's edited code, not the demo's own. */
  edited?: true;
}

/**
 * An event a process reported about itself, stamped with the node it came from. (What it
 * reports for the bridge's own judgement, such as a counting mark, is not passed on.)
 */
export type NodeEvent = Exclude<ChildReport, BookkeepingReport> & { node: string };

/** The bridge started a process. */
export interface SpawnEvent {
  kind: "spawn";
  t: number;
  node: string;
  role: string;
  index: number;
  pid: number;
  /** The process runs the learner's edited code, not the demo's own. */
  edited?: true;
}

/** A line a process printed. */
export interface LogEvent {
  kind: "log";
  t: number;
  node: string;
  stream: "stdout" | "stderr";
  text: string;
}

/** A process ended: with its exit code, or the signal that ended it. */
export interface ExitEvent {
  kind: "exit";
  t: number;
  node: string;
  code: number | null;
  signal: string | null;
  /**
   * Its counters that may be short: it was killed while counting messages (too many to report
   * one by one) that it had not yet reported. Their number is not known.
   */
  uncounted?: ("sent" | "received")[];
}

/**
 * A message went from one process to another: a send matched with a receive by digest, in
 * order. `node` is the receiver. `latencyMs` is receive time minus send time on the shared
 * monotonic clock.
 */
export interface DeliverEvent {
  kind: "deliver";
  t: number;
  node: string;
  from: string;
  /** Which of the sender's sockets sent it (sequence numbers count per socket). */
  fromSocket: number;
  digest: string;
  size: number;
  frames: FramePreview[];
  sendSeq: number;
  recvSeq: number;
  latencyMs: number;
}

/** Why a message will never be received. */
export type LostReason =
  /** It went to a receiver (or, fanned out, was wanted by a subscriber) that died before taking it: a killed worker's queue, a killed client's reply. */
  | "receiver-gone"
  /** Fan-out: a subscriber started before it was sent, wanted it, and never got it, as it was still joining. */
  | "slow-joiner"
  /** Fan-out: a subscriber that was already receiving wanted it and got later ones instead: the publisher's queue for it was full (its high-water mark). */
  | "hwm"
  /** Fan-out: no subscriber wanted it when it was sent (none running yet, or none whose filters matched), so the publisher dropped it. */
  | "no-subscriber"
  /** Counted in flows: a publisher dropped it for this subscriber, its subscription not yet there or its queue full (counts cannot tell which). */
  | "dropped";

/**
 * A message was sent and will never be received (see server/loss.ts for how that is known).
 * `node` is the sender; `to`, when known, the receiver it was lost for (none for "no-subscriber":
 * it was lost at the sender).
 */
export interface LostEvent {
  kind: "lost";
  t: number;
  node: string;
  /** Which of the sender's sockets sent it (sequence numbers count per socket). */
  socket: number;
  to?: string;
  reason: LostReason;
  digest: string;
  sendSeq: number;
  frames: FramePreview[];
}

/**
 * Messages counted in flows (too many to report one by one) that, once their edge had gone
 * quiet, had been sent and never received: how many, settled by counting. `node` is the node
 * that bound the edge's endpoint, which sent them all or was to receive them all.
 */
export interface LostCountEvent {
  kind: "lost-count";
  t: number;
  node: string;
  /** Whether `node` sent them (lost at it) or was to receive them (missed at it). */
  as: "sender" | "receiver";
  /** The one peer at the other end, when there was only one. */
  peer?: string;
  count: number;
  reason: LostReason;
}

/** Why the fate of sent messages cannot be known. */
export type UnknownReason =
  /** A peer from outside the run was connected when it was sent and may have taken it: what it receives is never reported. */
  | "outside-peer"
  /** Counted in flows, and a process of the edge was killed before it reported its last counts. */
  | "unreported"
  /** Counted in flows, and the pattern does not say how many each receiver should get (several subscribers, their filters). */
  | "counted";

/**
 * Sent messages that no process of the run was seen to receive and that cannot be said to be
 * lost either. One message (with its sendSeq, digest and frames) at its sender, or a count
 * settled on a quiet edge at the node that bound it.
 */
export interface UnknownFateEvent {
  kind: "unknown";
  t: number;
  node: string;
  as: "sender" | "receiver";
  count: number;
  reason: UnknownReason;
  /** One message: the sender's socket, and which message. */
  socket?: number;
  digest?: string;
  sendSeq?: number;
  frames?: FramePreview[];
}

/**
 * An edge whose messages are counted in flows (too many to report one by one), at the node that
 * bound its endpoint: while it is busy (`settled` false) what it loses is not known; once it has
 * gone quiet its counts are settled (`settled` true), any loss or unknown fate said just before.
 */
export interface CountedEdgeEvent {
  kind: "counted-edge";
  t: number;
  node: string;
  endpoint: string;
  settled: boolean;
}

/**
 * Peers from outside the run (a program someone started by hand, in any language) connected to
 * a bound endpoint, counted from the binding socket's monitor: accepted connections minus
 * disconnections, minus those of the run's own connecting processes. `node` is the binder.
 */
export interface ExternalPeersEvent {
  kind: "external";
  t: number;
  node: string;
  endpoint: string;
  count: number;
}

/** A viewer's action was carried out on a node. */
export interface ActionEvent {
  kind: "action";
  t: number;
  node: string;
  action: ActionName;
  filter?: string;
}

export type RunEvent =
  | NodeEvent
  | SpawnEvent
  | LogEvent
  | ExitEvent
  | DeliverEvent
  | LostEvent
  | LostCountEvent
  | UnknownFateEvent
  | CountedEdgeEvent
  | ExternalPeersEvent
  | ActionEvent;

/**
 * One problem the checker found in a learner's edit, where the learner can see it: line and
 * column in their function (1-based, line 1 is the declaration's first line).
 */
export interface CodeDiagnostic {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  severity: "error" | "warning";
  /**
   * The problem is outside the learner's function (their edit broke a caller elsewhere in the
   * demo); it is placed at line 1, and `elsewhere` says where it is ("pub-logger/program.ts:17").
   */
  outside?: true;
  elsewhere?: string;
}

/** Why a run ended. */
export type StopReason = "requested" | "connection-closed" | "bridge-exit" | "finished" | "failed" | "idle";

/** What the bridge sends a browser. */
export type ServerMessage =
  /** `role`: a viewer of a shared deck may only watch the presenter's runs. */
  | { type: "hello"; protocol: number; demos: string[]; role: AccessRole }
  /** A watch request was accepted: the presenter's runs of `demo` follow as started/events/stopped. */
  | { type: "watching"; requestId: string; demo: string }
  /** The presenter's slide was passed on to the viewers. */
  | { type: "shown"; requestId: string; slide: string }
  /** To a viewer: the slide the presenter shows now (at connection, then at every change). */
  | { type: "presenter-slide"; slide: string }
  /** The run exists; its processes follow as spawn events, their endpoints as bound events. */
  | { type: "started"; requestId: string; runId: string; demo: string; params: Record<string, number> }
  /** An action was accepted; what it did follows as events (spawn, exit, action). */
  | { type: "acted"; requestId: string; runId: string; node: string }
  /**
   * A batch of a run's events, in order. A client that opens /ws offering the WebSocket
   * subprotocol BINARY_EVENTS_PROTOCOL (protocol/event-codec.ts) gets every batch as one binary
   * frame instead, which decodeEvents() turns back into this runId and these events; all other
   * messages stay JSON text. Clients that offer no subprotocol get JSON only.
   */
  | { type: "events"; runId: string; events: RunEvent[] }
  | { type: "stopped"; runId: string; reason: StopReason; requestId?: string }
  /**
   * Answers a check (empty when the edit may run), or a run whose edit has errors: then
   * nothing started.
   */
  | { type: "code-problems"; requestId: string; demo: string; role: string; diagnostics: CodeDiagnostic[] }
  | { type: "error"; code: ErrorCode; message: string; requestId?: string };
