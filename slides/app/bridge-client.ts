/**
 * The page's one WebSocket to the bridge. Widgets ask it to run and stop demos and receive
 * their run's events; it ties replies to requests by requestId and events to runs by runId.
 */
import type { ErrorCode, RunEvent, ServerMessage, StopReason } from "../../server/protocol.js";

export interface RunListener {
  onEvents(events: RunEvent[]): void;
  onStopped(reason: StopReason): void;
  onError(code: ErrorCode, message: string): void;
}

export class BridgeError extends Error {
  constructor(
    readonly code: ErrorCode | "unreachable",
    message: string,
  ) {
    super(message);
  }
}

interface PendingRequest {
  resolve(runId: string): void;
  reject(error: BridgeError): void;
  listener: RunListener;
}

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
  #requestCounter = 0;

  /** The bridge that served this page, at /ws on the same origin. */
  static shared(): BridgeClient {
    BridgeClient.#shared ??= new BridgeClient(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
    return BridgeClient.#shared;
  }

  constructor(url: string) {
    this.#url = url;
  }

  /** Starts a run of `demo`; resolves with its runId once the bridge has accepted it. */
  async run(demo: string, params: Record<string, number>, listener: RunListener): Promise<string> {
    const socket = await this.#open();
    const requestId = `q${++this.#requestCounter}`;
    return new Promise((resolve, reject) => {
      this.#pending.set(requestId, { resolve, reject, listener });
      socket.send(JSON.stringify({ type: "run", requestId, demo, params }));
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

  #open(): Promise<WebSocket> {
    if (this.#socket?.readyState === WebSocket.OPEN) return Promise.resolve(this.#socket);
    this.#opening ??= new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(this.#url);
      socket.addEventListener("open", () => {
        this.#socket = socket;
        this.#opening = undefined;
        resolve(socket);
      });
      socket.addEventListener("message", (event) => this.#onMessage(JSON.parse(String(event.data)) as ServerMessage));
      socket.addEventListener("close", () => {
        this.#opening = undefined;
        this.#socket = undefined;
        reject(new BridgeError("unreachable", "the bridge is not reachable: start it with `npm start`"));
        this.#onClosed();
      });
    });
    return this.#opening;
  }

  /** The bridge is gone, so are its processes: every run this page had has ended. */
  #onClosed(): void {
    for (const request of [...this.#pending.values(), ...this.#pendingActions.values()]) {
      request.reject(new BridgeError("unreachable", "the connection to the bridge closed"));
    }
    this.#pending.clear();
    this.#pendingActions.clear();
    for (const listener of this.#runs.values()) listener.onStopped("bridge-exit");
    this.#runs.clear();
  }

  #onMessage(message: ServerMessage): void {
    switch (message.type) {
      case "hello":
        return;
      case "started": {
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
      case "stopped":
        this.#runs.get(message.runId)?.onStopped(message.reason);
        this.#runs.delete(message.runId);
        for (const [requestId, runId] of this.#runOfRequest) if (runId === message.runId) this.#runOfRequest.delete(requestId);
        return;
      case "error": {
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
