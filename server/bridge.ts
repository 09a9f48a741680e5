/**
 * The WebSocket side of the bridge: accepts upgrades at /ws from the deck's own origin, reads
 * each client's requests, starts and stops its runs, and streams their events back.
 * A connection's runs end when the connection does.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { manifests } from "../demos/manifests.js";
import { type DemoManifest, type ParamValues, paramProblem } from "../demos/lib/manifest.js";
import { EventBatcher } from "./batcher.js";
import { MAX_RUNS_PER_CONNECTION, RunBudget } from "./limits.js";
import {
  type ActionRequest,
  type ErrorCode,
  PROTOCOL_VERSION,
  type RunRequest,
  type ServerMessage,
  type StopRequest,
  parseClientMessage,
} from "./protocol.js";
import { ActionRefused, Run } from "./run.js";

export const BRIDGE_PATH = "/ws";
/** Frames above this size are cut off by ws itself; smaller oversized ones get an error reply. */
const MAX_FRAME_BYTES = 64 * 1024;

export interface BridgeOptions {
  /** Host:port values this server is reached at; an Origin must be `http://` one of them. */
  allowedHosts(): Set<string>;
  /** In dev mode Vite takes its own upgrades on the same server, so others are left alone. */
  leaveOtherUpgrades: boolean;
}

export interface Bridge {
  /** Stops every run of every connection; resolves when all their processes have exited. */
  close(): Promise<void>;
  readonly liveRuns: number;
}

class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The parameters of a run: the request's values over the manifest's defaults, all in bounds. */
function resolveParams(manifest: DemoManifest, given: Record<string, number> | undefined): ParamValues {
  const params: ParamValues = {};
  for (const name of Object.keys(given ?? {})) {
    if (!(name in manifest.params)) throw new RequestError("bad-params", `${manifest.name} has no parameter ${name}`);
  }
  for (const [name, spec] of Object.entries(manifest.params)) {
    const value = given?.[name] ?? spec.default;
    const problem = paramProblem(spec, name, value);
    if (problem) throw new RequestError("bad-params", problem);
    params[name] = value;
  }
  return params;
}

let runCounter = 0;

class Connection {
  readonly #socket: WebSocket;
  readonly #budget: RunBudget;
  readonly #batcher: EventBatcher;
  readonly #runs = new Map<string, Run>();

  constructor(socket: WebSocket, budget: RunBudget) {
    this.#socket = socket;
    this.#budget = budget;
    this.#batcher = new EventBatcher((message) => this.#send(message));
    socket.on("message", (data, isBinary) => this.#onMessage(data as Buffer, isBinary));
    this.#send({ type: "hello", protocol: PROTOCOL_VERSION, demos: [...manifests.keys()] });
  }

  /** Stops every run of this connection. */
  async close(reason: "connection-closed" | "bridge-exit"): Promise<void> {
    await Promise.all([...this.#runs.values()].map((run) => run.stop(reason)));
    this.#batcher.dispose();
  }

  #send(message: ServerMessage): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    const parsed = parseClientMessage(data, isBinary);
    if (!parsed.ok) {
      const { code, message, requestId } = parsed;
      this.#send({ type: "error", code, message, ...(requestId ? { requestId } : {}) });
      return;
    }
    const request = parsed.message;
    try {
      if (request.type === "run") this.#run(request);
      else if (request.type === "stop") this.#stop(request);
      else this.#act(request);
    } catch (error) {
      if (!(error instanceof RequestError || error instanceof ActionRefused)) throw error;
      this.#send({ type: "error", code: error.code, message: error.message, requestId: request.requestId });
    }
  }

  #run(request: RunRequest): void {
    const manifest = manifests.get(request.demo);
    if (!manifest) throw new RequestError("unknown-demo", `there is no demo called ${request.demo}; there are: ${[...manifests.keys()].join(", ")}`);
    const params = resolveParams(manifest, request.params);
    if (this.#runs.size >= MAX_RUNS_PER_CONNECTION) {
      throw new RequestError("too-many-runs", `a page may have ${MAX_RUNS_PER_CONNECTION} runs at once; stop one first`);
    }
    if (!this.#budget.take()) throw new RequestError("too-many-runs", "the bridge is running as many demos as it allows; try again shortly");

    const runId = `run-${++runCounter}`;
    const run = new Run(runId, manifest, params, {
      onEvent: (id, event) => this.#batcher.push(id, event),
      onStopped: (id, reason) => {
        this.#runs.delete(id);
        this.#budget.release();
        this.#batcher.flush();
        this.#send({ type: "stopped", runId: id, reason });
      },
    });
    this.#runs.set(runId, run);
    this.#send({ type: "started", requestId: request.requestId, runId, demo: manifest.name, params });
    run.start().catch((error: unknown) => {
      this.#send({ type: "error", code: "spawn-failed", message: (error as Error).message, requestId: request.requestId });
    });
  }

  #act(request: ActionRequest): void {
    const run = this.#runs.get(request.runId);
    if (!run) throw new RequestError("unknown-run", `this page has no run ${request.runId}`);
    const node = run.act(request);
    this.#send({ type: "acted", requestId: request.requestId, runId: run.id, node });
  }

  #stop(request: StopRequest): void {
    const run = this.#runs.get(request.runId);
    if (!run) throw new RequestError("unknown-run", `this page has no run ${request.runId}`);
    void run.stop("requested");
  }
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Whether an upgrade comes from a page this server served. Browsers always send Origin, so a
 * web page elsewhere is refused; a client with no Origin is a local program, not a page. The
 * Host check keeps a DNS-rebound name from passing as our own.
 */
function originAllowed(request: IncomingMessage, allowedHosts: Set<string>): boolean {
  const host = request.headers.host ?? "";
  if (!allowedHosts.has(host)) return false;
  const origin = request.headers.origin;
  return origin === undefined || origin === `http://${host}`;
}

export function attachBridge(server: Server, options: BridgeOptions): Bridge {
  const budget = new RunBudget();
  const connections = new Set<Connection>();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? "/", "http://bridge").pathname;
    if (path !== BRIDGE_PATH) {
      if (!options.leaveOtherUpgrades) refuse(socket, "404 Not Found");
      return;
    }
    if (!originAllowed(request, options.allowedHosts())) {
      refuse(socket, "403 Forbidden");
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      const connection = new Connection(ws, budget);
      connections.add(connection);
      ws.on("close", () => {
        connections.delete(connection);
        void connection.close("connection-closed");
      });
      ws.on("error", () => ws.terminate());
    });
  });

  return {
    async close() {
      await Promise.all([...connections].map((connection) => connection.close("bridge-exit")));
      for (const client of sockets.clients) client.close(1001, "bridge exiting");
      sockets.close();
    },
    get liveRuns() {
      return budget.live;
    },
  };
}
