/**
 * The page's one WebSocket to the bridge. Widgets ask it to run, stop and watch demos and
 * receive their run's events; it ties replies to requests by requestId and events to runs by
 * runId. When the bridge goes away (restarted, crashed) it reconnects by itself with backoff
 * and tells its status listeners, so the page can say so on screen. Nothing from before the
 * loss runs on: the bridge ends a connection's runs with it, so every run here is reported
 * stopped and a new Run starts afresh.
 *
 * Lifecycle: connect() opens and keeps the connection; destroy() lets it go for good.
 */
import type { AccessRole, CodeDiagnostic, ErrorCode, RunEvent, ServerMessage, StopReason } from "../../protocol/messages.js";
import { BINARY_EVENTS_PROTOCOL, decodeEvents } from "../../protocol/event-codec.js";
import { shareToken } from "./page-mode.js";

/**
 * What went wrong on this side of the connection: the bridge is not there, or it sent events
 * this page could not read (so its counters could no longer be trusted).
 */
export type ClientErrorCode = "unreachable" | "bad-events" | "code-problems";

/** A learner's version of one role's function, run in place of the demo's own. */
export interface EditedCode {
  role: string;
  source: string;
}

export interface RunListener {
  onEvents(events: RunEvent[]): void;
  onStopped(reason: StopReason): void;
  onError(code: ErrorCode | ClientErrorCode, message: string): void;
}

/** What a watching widget hears: each presenter run of its demo, then that run's events. */
export interface WatchListener extends RunListener {
  onRunStarted(runId: string, params: Record<string, number>): void;
}

/** Where the connection stands, for whatever shows it. */
export type BridgeStatus =
  | { state: "connecting" }
  | { state: "open"; reconnected: boolean }
  /** Lost after having been open; the next attempt is `retryInMs` away. `full`: the bridge had no room, and why. */
  | { state: "lost"; retryInMs: number; attempt: number; full?: string };

export class BridgeError extends Error {
  constructor(
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    /** For "code-problems": what the checker found in the edited code (nothing started). */
    readonly diagnostics: CodeDiagnostic[] = [],
  ) {
    super(message);
  }
}

interface PendingRequest {
  resolve(runId: string): void;
  reject(error: BridgeError): void;
  listener: RunListener;
}

/** Reconnect delays: 0.5 s, doubling, at most 10 s; a restarted bridge is back within one. */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/** The close code with which the bridge turns a page away for want of room; its reason says why. */
const CLOSE_FULL = 1013;

export class BridgeClient {
  static #shared: BridgeClient | undefined;
  readonly #url: string;
  #socket: WebSocket | undefined;
  #opening: Promise<WebSocket> | undefined;
  readonly #pending = new Map<string, PendingRequest>();
  readonly #runs = new Map<string, RunListener>();
  /** Which run each accepted request started, for errors that come after "started". */
  readonly #runOfRequest = new Map<string, string>();
  /** Actions sent and not yet answered, by requestId. */
  readonly #pendingActions = new Map<string, { resolve(node: string): void; reject(error: BridgeError): void }>();
  /** Checks of edited code sent and not yet answered, by requestId. */
  readonly #pendingChecks = new Map<string, { resolve(diagnostics: CodeDiagnostic[]): void; reject(error: BridgeError): void }>();
  /** Watches by the requestId that asked for them; asked again after each reconnect. */
  readonly #watches = new Map<string, { demo: string; listener: WatchListener }>();
  readonly #statusListeners = new Set<(status: BridgeStatus) => void>();
  readonly #slideListeners = new Set<(slide: string) => void>();
  /** The slide this page last said it shows, said again after a reconnect. */
  #shownSlide: string | undefined;
  #requestCounter = 0;
  /** Whether the connection has ever been open: only a lost connection is retried. */
  #everOpen = false;
  #retryAttempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #destroyed = false;
  #role: AccessRole | undefined;

  /** The bridge that served this page, at /ws on the same origin, with the page's share token if any. */
  static shared(): BridgeClient {
    const token = shareToken();
    const query = token ? `?token=${encodeURIComponent(token)}` : "";
    BridgeClient.#shared ??= new BridgeClient(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws${query}`);
    return BridgeClient.#shared;
  }

  constructor(url: string) {
    this.#url = url;
  }

  /** "viewer" once the bridge has said so; a viewer may watch, never run. */
  get role(): AccessRole | undefined {
    return this.#role;
  }

  /** Opens the connection now and keeps it, reconnecting after a loss. */
  connect(): void {
    this.#open().catch(() => {});
  }

  /** Resolves once the connection is open; rejects with BridgeError "unreachable" when no bridge answers. */
  async open(): Promise<void> {
    await this.#open();
  }

  /** Tells `listener` each change of the connection's status; returns the way to stop. */
  onStatus(listener: (status: BridgeStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Tells `listener` each slide the presenter shows (to a viewer of a shared deck); returns the way to stop. */
  onPresenterSlide(listener: (slide: string) => void): () => void {
    this.#slideListeners.add(listener);
    return () => this.#slideListeners.delete(listener);
  }

  /** The presenter's page says which slide it shows, for viewers to follow. */
  showSlide(slide: string): void {
    this.#shownSlide = slide;
    if (this.#socket?.readyState === WebSocket.OPEN && this.#role === "presenter")
      this.#socket.send(JSON.stringify({ type: "slide", requestId: `s${++this.#requestCounter}`, slide }));
  }

  /** Closes the connection for good: no more reconnects. */
  destroy(): void {
    this.#destroyed = true;
    clearTimeout(this.#retryTimer);
    this.#socket?.close();
    this.#statusListeners.clear();
  }

  /**
   * Starts a run of `demo`, with `code` in place of one role's function if given; resolves with
   * its runId once the bridge has accepted it. Edited code with errors rejects with
   * "code-problems" and its diagnostics: nothing started.
   */
  async run(demo: string, params: Record<string, number>, listener: RunListener, code?: EditedCode): Promise<string> {
    const socket = await this.#open();
    const requestId = `q${++this.#requestCounter}`;
    return new Promise((resolve, reject) => {
      this.#pending.set(requestId, { resolve, reject, listener });
      socket.send(JSON.stringify({ type: "run", requestId, demo, params, ...(code ? { code } : {}) }));
    });
  }

  /** Asks the bridge what is wrong with an edit of `role`'s function (nothing starts); resolves with the problems, none when it may run. */
  async check(demo: string, code: EditedCode): Promise<CodeDiagnostic[]> {
    const socket = await this.#open();
    const requestId = `c${++this.#requestCounter}`;
    return new Promise((resolve, reject) => {
      this.#pendingChecks.set(requestId, { resolve, reject });
      socket.send(JSON.stringify({ type: "check", requestId, demo, role: code.role, source: code.source }));
    });
  }

  /** Asks the bridge to end a run; its listener hears onStopped when every process is gone. */
  stop(runId: string): void {
    if (this.#socket?.readyState !== WebSocket.OPEN) return;
    this.#socket.send(JSON.stringify({ type: "stop", requestId: `q${++this.#requestCounter}`, runId }));
  }

  /**
   * Asks the bridge to act on a node of a run (kill, restart, add, send-twice, filter);
   * resolves with the node it concerned, rejects with the bridge's reason when refused.
   */
  act(runId: string, action: { action: string; node?: string; role?: string; filter?: string }): Promise<string> {
    const socket = this.#socket;
    if (socket?.readyState !== WebSocket.OPEN) return Promise.reject(new BridgeError("unreachable", "the bridge is not connected"));
    const requestId = `q${++this.#requestCounter}`;
    return new Promise((resolve, reject) => {
      this.#pendingActions.set(requestId, { resolve, reject });
      socket.send(JSON.stringify({ type: "action", requestId, runId, ...action }));
    });
  }

  /** Shows `listener` every presenter run of `demo`, now and after reconnects; returns the way to stop. */
  watch(demo: string, listener: WatchListener): () => void {
    const requestId = `w${++this.#requestCounter}`;
    this.#watches.set(requestId, { demo, listener });
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify({ type: "watch", requestId, demo }));
    else this.connect();
    return () => this.#watches.delete(requestId);
  }

  #setStatus(status: BridgeStatus): void {
    for (const listener of this.#statusListeners) listener(status);
  }

  #open(): Promise<WebSocket> {
    if (this.#socket?.readyState === WebSocket.OPEN) return Promise.resolve(this.#socket);
    if (this.#destroyed) return Promise.reject(new BridgeError("unreachable", "the page has let the bridge go"));
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#opening ??= new Promise<WebSocket>((resolve, reject) => {
      this.#setStatus({ state: "connecting" });
      // Events come as binary frames: far cheaper to read than JSON at thousands a second.
      const socket = new WebSocket(this.#url, [BINARY_EVENTS_PROTOCOL]);
      socket.binaryType = "arraybuffer";
      socket.addEventListener("open", () => {
        this.#socket = socket;
        this.#opening = undefined;
        this.#setStatus({ state: "open", reconnected: this.#everOpen });
        this.#everOpen = true;
        this.#retryAttempt = 0;
        for (const [requestId, { demo }] of this.#watches) socket.send(JSON.stringify({ type: "watch", requestId, demo }));
        resolve(socket);
      });
      socket.addEventListener("message", (event: MessageEvent<string | ArrayBuffer>) => {
        if (typeof event.data === "string") this.#onMessage(JSON.parse(event.data) as ServerMessage);
        else this.#onEventsFrame(event.data);
      });
      socket.addEventListener("close", (event) => {
        this.#opening = undefined;
        this.#socket = undefined;
        reject(new BridgeError("unreachable", "the bridge is not reachable: start it with `npm start`"));
        this.#onClosed(event.code === CLOSE_FULL ? event.reason : undefined);
      });
    });
    return this.#opening;
  }

  /** The bridge is gone (or had no room: `full` says why), so are its processes: every run this page had has ended. Try again, later and later. */
  #onClosed(full: string | undefined): void {
    for (const request of [...this.#pending.values(), ...this.#pendingActions.values(), ...this.#pendingChecks.values()]) {
      request.reject(new BridgeError("unreachable", "the connection to the bridge closed"));
    }
    this.#pending.clear();
    this.#pendingActions.clear();
    this.#pendingChecks.clear();
    for (const listener of this.#runs.values()) listener.onStopped("bridge-exit");
    this.#runs.clear();
    this.#runOfRequest.clear();
    if (this.#destroyed || !this.#everOpen) return;
    const retryInMs = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.#retryAttempt);
    this.#retryAttempt += 1;
    this.#setStatus({ state: "lost", retryInMs, attempt: this.#retryAttempt, ...(full ? { full } : {}) });
    this.#retryTimer = setTimeout(() => this.connect(), retryInMs);
  }

  /** One binary frame of a run's events; one the page cannot read ends every run it may have concerned. */
  #onEventsFrame(frame: ArrayBuffer): void {
    let decoded: { runId: string; events: RunEvent[] };
    try {
      decoded = decodeEvents(frame);
    } catch (error) {
      // Which run it was for is unknowable, and a run missing events would show wrong counts:
      // every run of this page says so and is stopped, and the page goes on.
      const message = `the bridge sent events this page cannot read (${(error as Error).message}); the run was stopped`;
      for (const [runId, listener] of this.#runs) {
        listener.onError("bad-events", message);
        this.stop(runId);
      }
      this.#runs.clear();
      return;
    }
    this.#runs.get(decoded.runId)?.onEvents(decoded.events);
  }

  #onMessage(message: ServerMessage): void {
    switch (message.type) {
      case "hello":
        this.#role = message.role;
        if (message.role === "presenter" && this.#shownSlide !== undefined) this.showSlide(this.#shownSlide);
        return;
      case "watching":
      case "shown":
        return;
      case "presenter-slide":
        for (const listener of this.#slideListeners) listener(message.slide);
        return;
      case "started": {
        const watch = this.#watches.get(message.requestId);
        if (watch) {
          this.#runs.set(message.runId, watch.listener);
          watch.listener.onRunStarted(message.runId, message.params);
          return;
        }
        const request = this.#pending.get(message.requestId);
        if (!request) return;
        this.#pending.delete(message.requestId);
        this.#runs.set(message.runId, request.listener);
        this.#runOfRequest.set(message.requestId, message.runId);
        request.resolve(message.runId);
        return;
      }
      case "acted": {
        const action = this.#pendingActions.get(message.requestId);
        this.#pendingActions.delete(message.requestId);
        action?.resolve(message.node);
        return;
      }
      case "events":
        this.#runs.get(message.runId)?.onEvents(message.events);
        return;
      case "code-problems": {
        const check = this.#pendingChecks.get(message.requestId);
        this.#pendingChecks.delete(message.requestId);
        check?.resolve(message.diagnostics);
        const request = this.#pending.get(message.requestId);
        if (!request) return;
        this.#pending.delete(message.requestId);
        const errors = message.diagnostics.filter((diagnostic) => diagnostic.severity === "error").length;
        request.reject(
          new BridgeError(
            "code-problems",
            `your code has ${errors === 1 ? "an error" : `${errors} errors`}: nothing was started`,
            message.diagnostics,
          ),
        );
        return;
      }
      case "stopped":
        this.#runs.get(message.runId)?.onStopped(message.reason);
        this.#runs.delete(message.runId);
        for (const [requestId, runId] of this.#runOfRequest) if (runId === message.runId) this.#runOfRequest.delete(requestId);
        return;
      case "error": {
        const check = message.requestId ? this.#pendingChecks.get(message.requestId) : undefined;
        if (check) {
          this.#pendingChecks.delete(message.requestId!);
          check.reject(new BridgeError(message.code, message.message));
          return;
        }
        const action = message.requestId ? this.#pendingActions.get(message.requestId) : undefined;
        if (action) {
          this.#pendingActions.delete(message.requestId!);
          action.reject(new BridgeError(message.code, message.message));
          return;
        }
        const request = message.requestId ? this.#pending.get(message.requestId) : undefined;
        if (request) {
          this.#pending.delete(message.requestId!);
          request.reject(new BridgeError(message.code, message.message));
          return;
        }
        // An error about a run already started: one of its processes failed to start, say.
        const runId = message.requestId ? this.#runOfRequest.get(message.requestId) : undefined;
        if (runId) this.#runs.get(runId)?.onError(message.code, message.message);
        else console.warn(`bridge: ${message.code}: ${message.message}`);
        return;
      }
    }
  }
}
