/**
 * The WebSocket side of the bridge: accepts upgrades at /ws (see access.ts for who may, and
 * as what), reads each client's requests, starts and stops its runs within the limits, and
 * streams their events back. A connection's runs end when the connection does.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { manifests } from "../protocol/manifests.js";
import { type DemoManifest, type ParamValues, paramProblem } from "../protocol/manifest.js";
import { type AccessPolicy, decideUpgrade, mayDo } from "./access.js";
import { Audience, type Follower, type Watcher } from "./audience.js";
import { EventBatcher } from "./batcher.js";
import { BINARY_EVENTS_PROTOCOL, EventEncoder } from "../protocol/event-codec.js";
import { IdleTimer } from "./idle-timer.js";
import { Budget, DEFAULT_LIMITS, type Limits, processesOf } from "./limits.js";
import {
  type ActionRequest,
  type AccessRole,
  type CheckRequest,
  type ClientMessage,
  type ErrorCode,
  PROTOCOL_VERSION,
  type RunEvent,
  type RunRequest,
  type ServerMessage,
  type SlideRequest,
  type StopReason,
  type StopRequest,
  type WatchRequest,
} from "../protocol/messages.js";
import { parseClientMessage } from "./client-messages.js";
import { ActionRefused, LOOPBACK, Run } from "./run.js";
import { TokenBucket } from "../lib/token-bucket.js";
import { readRequestTarget } from "./request-target.js";
import { CompileService } from "./role-code/compile-service.js";
import { type EditedRole, NotEditable, editTargetOf, prepareEditedRole } from "./role-code/edited-role.js";
import { BUILD_ROOT, sandbox, sandboxUnavailable } from "./role-code/sandbox.js";
import { REPO_ROOT } from "./http.js";
import { startSandboxedWarmPool } from "./warm-pool.js";

/** Checks and builds of learners' code one page may have waiting at once: each costs the compiler thread up to a second. */
const MAX_COMPILING_PER_CONNECTION = 4;
/** Sandboxed hosts kept waiting once a page has sent code, so its Run need not wait for Node to boot. */
const SANDBOXED_WARM_PROCESSES = 2;

export const BRIDGE_PATH = "/ws";

export interface BridgeOptions {
  access: AccessPolicy;
  /** In dev mode Vite takes its own upgrades on the same server, so others are left alone. */
  leaveOtherUpgrades: boolean;
  /** Where demos bind: loopback unless the deck is shared. */
  bindHost?: string;
  /** Overrides of DEFAULT_LIMITS, for a command-line flag or a test. */
  limits?: Partial<Limits>;
  /** Where the bridge reports its own unexpected failures; stderr by default. */
  log?(message: string): void;
}

export interface Bridge {
  /** Stops every run of every connection; resolves when all their processes have exited. */
  close(): Promise<void>;
  readonly liveRuns: number;
  readonly liveProcesses: number;
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
    if (!Object.hasOwn(manifest.params, name)) throw new RequestError("bad-params", `${manifest.name} has no parameter ${name}`);
  }
  for (const [name, spec] of Object.entries(manifest.params)) {
    const value = given?.[name] ?? spec.default;
    const problem = paramProblem(spec, name, value);
    if (problem) throw new RequestError("bad-params", problem);
    params[name] = value;
  }
  return params;
}

function manifestOf(demo: string): DemoManifest {
  const manifest = manifests.get(demo);
  if (!manifest) throw new RequestError("unknown-demo", `there is no demo called ${demo}; there are: ${[...manifests.keys()].join(", ")}`);
  return manifest;
}

/** What every connection of one bridge shares. */
interface BridgeContext {
  limits: Limits;
  /** Runs and processes of all connections together. */
  budget: Budget;
  audience: Audience;
  bindHost: string;
  /** Why learners' code cannot run on this bridge (its Node is too old), or undefined when it can. */
  codeUnavailable: string | undefined;
  /** Checks and compiles learners' code off the event loop; its thread starts on the first request. */
  compiler: CompileService;
  /** Called whenever a page sends code: the first time, sandboxed hosts start waiting. */
  codeArrived(): void;
  log(message: string): void;
}

let runCounter = 0;

/** Writes the events of every connection that asked for binary frames; encode() is synchronous, so one serves all. */
const encoder = new EventEncoder();

/** A client that offers the binary events subprotocol gets it; no other subprotocol is taken. */
function chooseProtocol(offered: Set<string>): string | false {
  return offered.has(BINARY_EVENTS_PROTOCOL) ? BINARY_EVENTS_PROTOCOL : false;
}

class Connection implements Watcher, Follower {
  readonly role: AccessRole;
  readonly #socket: WebSocket;
  /** Whether this page asked for its events as binary frames (see event-codec.ts). */
  readonly #binaryEvents: boolean;
  readonly #context: BridgeContext;
  /** Runs and processes of this connection. */
  readonly #budget: Budget;
  readonly #batcher: EventBatcher;
  readonly #runs = new Map<string, Run>();
  /** Per run: counts processes an action adds (or gives back) against this page's and the bridge's caps. */
  readonly #growRun = new Map<string, (by: number) => boolean>();
  readonly #messageBucket: TokenBucket;
  readonly #runBucket: TokenBucket;
  readonly #idle: IdleTimer;
  /** This page's checks and builds of code still on the compiler thread. */
  #compiling = 0;
  #closed = false;

  constructor(socket: WebSocket, role: AccessRole, context: BridgeContext) {
    const { limits } = context;
    this.role = role;
    this.#socket = socket;
    this.#binaryEvents = socket.protocol === BINARY_EVENTS_PROTOCOL;
    this.#context = context;
    this.#budget = new Budget(limits.runsPerConnection, limits.processesPerConnection);
    this.#messageBucket = new TokenBucket(limits.messageBurst, limits.messagesPerSecond, performance.now());
    this.#runBucket = new TokenBucket(limits.runBurst, limits.runsPerSecond, performance.now());
    this.#idle = new IdleTimer(limits.idleTimeoutMs, () => this.#stopAll("idle"));
    this.#batcher = new EventBatcher((message) => this.#send(message));
    socket.on("message", (data, isBinary) => this.#onMessage(data as Buffer, isBinary));
    this.#send({ type: "hello", protocol: PROTOCOL_VERSION, demos: [...manifests.keys()], role });
    // A viewer follows the presenter's slide (and may stop following on its own page).
    if (role === "viewer") context.audience.follow(this);
  }

  presenterShows(slide: string): void {
    this.#send({ type: "presenter-slide", slide });
  }

  /** Stops every run of this connection and lets it go. */
  async close(reason: "connection-closed" | "bridge-exit"): Promise<void> {
    this.#closed = true;
    this.#idle.dispose();
    this.#context.audience.forget(this);
    await this.#stopAll(reason);
    this.#batcher.dispose();
  }

  runStarted(watchRequestId: string, runId: string, demo: string, params: Record<string, number>): void {
    this.#send({ type: "started", requestId: watchRequestId, runId, demo, params });
  }

  runEvent(runId: string, event: RunEvent): void {
    this.#batcher.push(runId, event);
  }

  runStopped(runId: string, reason: StopReason): void {
    this.#batcher.flush();
    this.#send({ type: "stopped", runId, reason });
  }

  #stopAll(reason: StopReason): Promise<void> {
    return Promise.all([...this.#runs.values()].map((run) => run.stop(reason))).then(() => {});
  }

  #send(message: ServerMessage): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    // A page that does not read what it is sent would grow the bridge's memory without end.
    if (this.#socket.bufferedAmount > this.#context.limits.maxBufferedBytes) {
      this.#socket.terminate();
      return;
    }
    if (message.type === "events" && this.#binaryEvents) this.#socket.send(encoder.encode(message.runId, message.events));
    else this.#socket.send(JSON.stringify(message));
  }

  #error(code: ErrorCode, message: string, requestId: string | undefined): void {
    this.#send({ type: "error", code, message, ...(requestId ? { requestId } : {}) });
  }

  /** Every message gets exactly one answer: its result, or one error that changed nothing. */
  #onMessage(data: Buffer, isBinary: boolean): void {
    const parsed = parseClientMessage(data, isBinary);
    const requestId = parsed.ok ? parsed.message.requestId : parsed.requestId;
    if (!this.#messageBucket.take(performance.now())) {
      this.#error("rate-limited", `at most ${this.#context.limits.messagesPerSecond} messages a second; this one was ignored`, requestId);
      return;
    }
    if (!parsed.ok) {
      this.#error(parsed.code, parsed.message, requestId);
      return;
    }
    const request = parsed.message;
    this.#idle.touch();
    try {
      if (!mayDo(this.role, request.type)) {
        throw new RequestError("read-only", `a viewer may watch the presenter's runs, not ${request.type} them`);
      }
      switch (request.type) {
        case "run":
          return this.#run(request);
        case "stop":
          return this.#stop(request);
        case "action":
          return this.#act(request);
        case "watch":
          return this.#watch(request);
        case "slide":
          return this.#showSlide(request);
        case "check":
          return this.#check(request);
      }
    } catch (error) {
      this.#refused(request, error);
    }
  }

  /** The one answer to a request that failed: its own error, or an internal one, logged. */
  #refused(request: ClientMessage, error: unknown): void {
    if (error instanceof RequestError || error instanceof ActionRefused) return this.#error(error.code, error.message, request.requestId);
    this.#context.log(`bridge: ${request.type} failed: ${(error as Error).stack ?? error}`);
    this.#error("internal-error", `the bridge could not ${request.type} that: ${(error as Error).message}`, request.requestId);
  }

  #run(request: RunRequest): void {
    const { limits } = this.#context;
    const manifest = manifestOf(request.demo);
    const params = resolveParams(manifest, request.params);
    const code = request.code;
    if (code) this.#editTarget(manifest, code.role);
    // Counted whether or not the run then fits: hammering at the cap is what this limit is for.
    if (!this.#runBucket.take(performance.now()))
      throw new RequestError("rate-limited", `at most ${limits.runsPerSecond} runs, adds and restarts a second; try again shortly`);
    if (!code) return this.#startRun(request, manifest, params);
    this.#compile(request.requestId, "run", async (compiler) => {
      const prepared = await prepareEditedRole(compiler, manifest, code.role, code.source);
      if ("problems" in prepared) {
        this.#send({
          type: "code-problems",
          requestId: request.requestId,
          demo: manifest.name,
          role: code.role,
          diagnostics: prepared.problems,
        });
        return;
      }
      if (this.#closed) return prepared.edited.dispose();
      try {
        this.#startRun(request, manifest, params, prepared.edited);
      } catch (error) {
        prepared.edited.dispose();
        if (error instanceof RequestError) return this.#error(error.code, error.message, request.requestId);
        throw error;
      }
    });
  }

  /** Checks a learner's code for the editor: always answered with its problems, none when it may run. */
  #check(request: CheckRequest): void {
    const manifest = manifestOf(request.demo);
    const target = this.#editTarget(manifest, request.role);
    this.#compile(request.requestId, "check", async (compiler) => {
      const diagnostics = await compiler.check(target, request.source);
      this.#send({ type: "code-problems", requestId: request.requestId, demo: manifest.name, role: request.role, diagnostics });
    });
  }

  /** Which function of which module `role` edits; a RequestError when it has none (or this bridge cannot run code). */
  #editTarget(manifest: DemoManifest, role: string) {
    const unavailable = this.#context.codeUnavailable;
    if (unavailable) throw new RequestError("code-unavailable", unavailable);
    try {
      return editTargetOf(manifest, role);
    } catch (error) {
      if (error instanceof NotEditable) throw new RequestError("bad-params", error.message);
      throw error;
    }
  }

  /** Runs `work` with the compiler, answering its failure; a page may have only a few waiting at once. */
  #compile(requestId: string, what: string, work: (compiler: CompileService) => Promise<void>): void {
    if (this.#compiling >= MAX_COMPILING_PER_CONNECTION) {
      throw new RequestError(
        "rate-limited",
        `at most ${MAX_COMPILING_PER_CONNECTION} checks and runs of code may wait at once; this one was ignored`,
      );
    }
    this.#compiling += 1;
    this.#context.codeArrived();
    work(this.#context.compiler)
      .catch((error: unknown) => {
        this.#context.log(`bridge: a ${what} of code failed: ${(error as Error).stack ?? error}`);
        this.#error("internal-error", `the bridge could not ${what} that code: ${(error as Error).message}`, requestId);
      })
      .finally(() => {
        this.#compiling -= 1;
      });
  }

  /** Starts a run whose request has been checked (and whose edited role, if any, is compiled). */
  #startRun(request: RunRequest, manifest: DemoManifest, params: ParamValues, edited?: EditedRole): void {
    const { budget: bridgeBudget, limits, audience } = this.#context;
    let processes = processesOf(manifest, params);
    const own = this.#budget.refusal(processes);
    if (own === "too-many-runs") throw new RequestError(own, `a page may have ${limits.runsPerConnection} runs at once; stop one first`);
    if (own)
      throw new RequestError(own, `a page's runs may have ${limits.processesPerConnection} processes at once; this one needs ${processes}`);
    const total = bridgeBudget.refusal(processes);
    if (total === "too-many-runs")
      throw new RequestError(total, `the bridge is running ${limits.runsTotal} demos, its most; try again when one ends`);
    if (total)
      throw new RequestError(
        total,
        `the bridge is running ${bridgeBudget.processes} of its ${limits.processesTotal} processes; this run needs ${processes}`,
      );

    this.#budget.take(processes);
    bridgeBudget.take(processes);
    const runId = `run-${++runCounter}`;
    const shown = this.role === "presenter";
    const run = new Run(
      runId,
      manifest,
      params,
      {
        onEvent: (id, event) => {
          this.#batcher.push(id, event);
          if (shown) audience.runEvent(id, event);
        },
        onStopped: (id, reason) => {
          this.#runs.delete(id);
          this.#growRun.delete(id);
          this.#budget.release(processes);
          bridgeBudget.release(processes);
          this.runStopped(id, reason);
          if (shown) audience.runStopped(id, reason);
        },
      },
      { bindHost: this.#context.bindHost, ...(edited ? { edited } : {}) },
    );
    this.#runs.set(runId, run);
    // An "add" action grows the run: its processes count against the same caps, and are given back with it.
    this.#growRun.set(runId, (by) => {
      if (by > 0 && (!this.#budget.mayGrow(by) || !bridgeBudget.mayGrow(by))) return false;
      this.#budget.grow(by);
      bridgeBudget.grow(by);
      processes += by;
      return true;
    });
    this.#send({ type: "started", requestId: request.requestId, runId, demo: manifest.name, params });
    if (shown) audience.runStarted(runId, manifest.name, params, this);
    run.start().catch((error: unknown) => {
      this.#error("spawn-failed", (error as Error).message, request.requestId);
    });
  }

  #act(request: ActionRequest): void {
    const run = this.#runs.get(request.runId);
    if (!run) throw new RequestError("unknown-run", `this page has no run ${request.runId}`);
    if (!run.started) {
      // Pressed as the run starts (Run, then at once Filter or Kill): carried out once its
      // processes are all there, rather than refused while the diagram already shows them.
      void run.whenStarted().then((started) => {
        if (!started) return this.#error("unknown-run", `the run ${run.id} stopped before its processes had started`, request.requestId);
        try {
          this.#actOn(run, request);
        } catch (error) {
          this.#refused(request, error);
        }
      });
      return;
    }
    this.#actOn(run, request);
  }

  #actOn(run: Run, request: ActionRequest): void {
    const grow = this.#growRun.get(run.id)!;
    const adds = request.action === "add";
    // An add or a restart starts a process, as a run does: a storm of them is held to the same pace.
    if ((adds || request.action === "restart") && !this.#runBucket.take(performance.now())) {
      throw new RequestError(
        "rate-limited",
        `at most ${this.#context.limits.runsPerSecond} runs, adds and restarts a second; try again shortly`,
      );
    }
    if (adds && !grow(1)) {
      throw new RequestError(
        "too-many-processes",
        `no room for another process: a page may have ${this.#context.limits.processesPerConnection}, the bridge ${this.#context.limits.processesTotal}`,
      );
    }
    let node: string;
    try {
      node = run.act(request);
    } catch (error) {
      if (adds) grow(-1);
      throw error;
    }
    this.#send({ type: "acted", requestId: request.requestId, runId: run.id, node });
  }

  #stop(request: StopRequest): void {
    const run = this.#runs.get(request.runId);
    if (!run) throw new RequestError("unknown-run", `this page has no run ${request.runId}`);
    void run.stop("requested");
  }

  #showSlide(request: SlideRequest): void {
    this.#context.audience.slideShown(request.slide);
    this.#send({ type: "shown", requestId: request.requestId, slide: request.slide });
  }

  #watch(request: WatchRequest): void {
    const manifest = manifestOf(request.demo);
    this.#send({ type: "watching", requestId: request.requestId, demo: manifest.name });
    this.#context.audience.watch(this, manifest.name, request.requestId);
  }
}

function refuse(socket: Duplex, status: string): void {
  socket.on("error", () => {});
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** WebSocket close code 1013, "try again later": the room is full; the page says why and retries. */
export const CLOSE_FULL = 1013;

/** Pings every page each `heartbeatMs`; a page that has not answered the previous ping is gone. */
function startHeartbeat(sockets: WebSocketServer, heartbeatMs: number): NodeJS.Timeout {
  const answered = new WeakSet<WebSocket>();
  sockets.on("connection", (ws) => {
    answered.add(ws);
    ws.on("pong", () => answered.add(ws));
  });
  const timer = setInterval(() => {
    for (const ws of sockets.clients) {
      if (!answered.has(ws)) {
        ws.terminate();
        continue;
      }
      answered.delete(ws);
      ws.ping();
    }
  }, heartbeatMs);
  timer.unref();
  return timer;
}

export function attachBridge(server: Server, options: BridgeOptions): Bridge {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const context: BridgeContext = {
    limits,
    budget: new Budget(limits.runsTotal, limits.processesTotal),
    audience: new Audience(),
    bindHost: options.bindHost ?? LOOPBACK,
    codeUnavailable: sandboxUnavailable(),
    compiler: new CompileService(REPO_ROOT, BUILD_ROOT),
    codeArrived() {
      startSandboxedWarmPool(SANDBOXED_WARM_PROCESSES, sandbox().execArgv);
    },
    log: options.log ?? ((message) => process.stderr.write(`${message}\n`)),
  };
  const connections = new Set<Connection>();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes, handleProtocols: chooseProtocol });
  const heartbeat = startHeartbeat(sockets, limits.heartbeatMs);

  /** Open connections by role: the presenter's and the viewers' are capped apart. */
  const open: Record<AccessRole, number> = { presenter: 0, viewer: 0 };
  const caps: Record<AccessRole, number> = { presenter: limits.presenterConnections, viewer: limits.viewerConnections };
  const full: Record<AccessRole, string> = {
    presenter: `This machine has ${limits.presenterConnections} pages on the bridge, its most: close one`,
    viewer: `This shared deck has ${limits.viewerConnections} viewers, its most`,
  };

  function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = readRequestTarget(request.url)?.pathname;
    if (path !== BRIDGE_PATH) {
      if (!options.leaveOtherUpgrades) refuse(socket, path === undefined ? "400 Bad Request" : "404 Not Found");
      return;
    }
    const decision = decideUpgrade(request, options.access);
    if ("refuse" in decision) {
      refuse(socket, decision.refuse);
      return;
    }
    const { role } = decision;
    sockets.handleUpgrade(request, socket, head, (ws) => {
      // ws closes the connection itself on a protocol error (1009 too big, 1007 bad UTF-8, …).
      ws.on("error", () => {});
      // Accepted, then closed with the reason: a page can show a close reason, not an HTTP status.
      if (open[role] >= caps[role]) {
        ws.close(CLOSE_FULL, full[role]);
        return;
      }
      open[role] += 1;
      const connection = new Connection(ws, role, context);
      connections.add(connection);
      sockets.emit("connection", ws, request);
      ws.on("close", () => {
        open[role] -= 1;
        connections.delete(connection);
        void connection.close("connection-closed");
      });
    });
  }

  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      upgrade(request, socket, head);
    } catch (error) {
      context.log(`bridge: an upgrade to ${String(request.url).slice(0, 200)} failed: ${(error as Error)?.stack ?? error}`);
      if (socket.writable) refuse(socket, "500 Internal Server Error");
      else socket.destroy();
    }
  });

  return {
    async close() {
      clearInterval(heartbeat);
      await Promise.all([...connections].map((connection) => connection.close("bridge-exit")));
      for (const client of sockets.clients) client.close(1001, "bridge exiting");
      sockets.close();
      await context.compiler.close();
    },
    get liveRuns() {
      return context.budget.runs;
    },
    get liveProcesses() {
      return context.budget.processes;
    },
  };
}
