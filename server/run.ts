/**
 * One run of a demo: its processes, started from the demo's manifest, and the stream of
 * events they make. Roles that bind start first; once each has reported the endpoints libzmq
 * bound (a wildcard port, or an ipc path in a directory private to the run, so runs never
 * collide), the roles that connect start with them. While it runs, a viewer may add, kill or
 * restart processes, or pass them a command, as the manifest allows. What the processes report
 * becomes the run's events in the correlator (correlator.ts).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ActionName,
  type DemoManifest,
  type ParamValues,
  ROLE_ACTIONS,
  type RoleSpec,
  TRANSPORTS,
  type Transport,
  bindsAny,
  endpointName,
  endpointOption,
  roleCount,
} from "../protocol/manifest.js";
import type { RoleCommand } from "../protocol/commands.js";
import { paramArgument } from "../demos/lib/command-line.js";
import { monotonicMs } from "../protocol/clock.js";
import { Correlator } from "./correlator.js";
import { makeRunIpcDir } from "./ipc-dirs.js";
import { DemoProcess } from "./process-group.js";
import type { EditedRole } from "./role-code/edited-role.js";
import type { ActionRequest, ErrorCode, NodeInfo, RunEvent, StopReason } from "../protocol/messages.js";

/** Where compiled demos live, next to the compiled bridge. */
const DEMOS_DIR = fileURLToPath(new URL("../demos/", import.meta.url));
/** Where binding roles bind unless the deck is shared: loopback, so no demo is reachable from elsewhere. */
export const LOOPBACK = "127.0.0.1";
/** How long a binding role may take to report its endpoints before the run fails. */
const BIND_TIMEOUT_MS = 10_000;

export interface RunObserver {
  /** Called for every event, in order; the caller batches them. */
  onEvent(runId: string, event: RunEvent): void;
  /** Called once, when every process of the run has ended. */
  onStopped(runId: string, reason: StopReason): void;
}

class RunFailed extends Error {}

/** A viewer's action the manifest does not allow, or on a node that is not there. */
export class ActionRefused extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RunOptions {
  /** The address binding roles bind, on any free port: loopback unless the deck is shared. */
  bindHost?: string;
  /** A role whose processes run a learner's edited code; the run removes its folder when it ends. */
  edited?: EditedRole;
}

export class Run {
  readonly id: string;
  readonly manifest: DemoManifest;
  readonly params: ParamValues;
  /** The address each endpoint was bound at, by the manifest's endpoint name. */
  readonly endpoints: Record<string, string> = {};
  readonly #observer: RunObserver;
  readonly #processes = new Map<string, DemoProcess>();
  readonly #nodeRoles = new Map<string, string>();
  readonly #correlator: Correlator;
  /** A temporary directory for this run's ipc endpoints, made on first need, removed at the end. */
  #ipcDir: string | undefined;
  readonly #bindHost: string;
  readonly #edited: EditedRole | undefined;
  #stopping: Promise<void> | undefined;
  #stopReason: StopReason | undefined;
  /** Whether every process of the run's first start has been started: actions wait for it. */
  #started = false;
  /** Settles once the first start is over: true when every process started, false when the run stopped first. */
  readonly #startOver: Promise<boolean>;
  #endStart!: (started: boolean) => void;

  constructor(id: string, manifest: DemoManifest, params: ParamValues, observer: RunObserver, options: RunOptions = {}) {
    this.id = id;
    this.#bindHost = options.bindHost ?? LOOPBACK;
    this.#edited = options.edited;
    this.manifest = manifest;
    this.params = params;
    this.#observer = observer;
    this.#correlator = new Correlator(manifest, { emit: (event) => this.#observer.onEvent(this.id, event), now: monotonicMs });
    this.#startOver = new Promise((resolve) => (this.#endStart = resolve));
  }

  /** Whether every process of the run's first start has been started. */
  get started(): boolean {
    return this.#started;
  }

  /**
   * Resolves once the run's first start is over: true when its processes all started (actions
   * may be carried out), false when it stopped or failed first.
   */
  whenStarted(): Promise<boolean> {
    return this.#startOver;
  }

  /** The run's processes, as the diagram names them. */
  get nodes(): NodeInfo[] {
    return [...this.#processes].map(([id, process]) => {
      const role = this.#nodeRoles.get(id)!;
      return {
        id,
        role,
        index: Number(id.slice(role.length + 1)),
        pid: process.pid,
        ...(role === this.#edited?.role ? { edited: true as const } : {}),
      };
    });
  }

  get processCount(): number {
    return this.#processes.size;
  }

  /** Starts every role; resolves when all processes are started, rejects if one cannot be. */
  async start(): Promise<void> {
    const roles = Object.entries(this.manifest.roles);
    const binders = roles.filter(([, spec]) => bindsAny(spec));
    const connectors = roles.filter(([, spec]) => !bindsAny(spec));
    try {
      await Promise.all(binders.map(([name, spec]) => this.#startRole(name, spec)));
      await Promise.all(connectors.map(([name, spec]) => this.#startRole(name, spec)));
      this.#started = true;
      this.#endStart(true);
    } catch (error) {
      this.#endStart(false);
      // Stopped on purpose while starting (Stop, the page closed, the bridge exiting): not a failure.
      if (this.#stopReason !== undefined && this.#stopReason !== "finished") return;
      await this.stop("failed");
      throw error;
    }
  }

  /**
   * Ends every process of the run; resolves once all have exited, after telling the observer.
   * Safe to call again: the first reason given is the one reported.
   */
  stop(reason: StopReason): Promise<void> {
    this.#stopReason ??= reason;
    this.#endStart(false);
    this.#correlator.stopping();
    this.#stopping ??= Promise.all([...this.#processes.values()].map((process) => process.stop())).then(() => {
      this.#correlator.dispose();
      if (this.#ipcDir) rmSync(this.#ipcDir, { recursive: true, force: true });
      this.#edited?.dispose();
      this.#observer.onStopped(this.id, reason);
    });
    return this.#stopping;
  }

  /**
   * Carries out a viewer's action; throws ActionRefused, having changed nothing, when the
   * manifest does not allow it or its node is not there. Returns the node it concerned.
   */
  act(request: ActionRequest): string {
    if (this.#stopping) throw new ActionRefused("unknown-run", "the run is stopping");
    if (!this.#started) throw new ActionRefused("bad-action", "the run is still starting its processes; try again in a moment");
    const { action } = request;
    if (ROLE_ACTIONS.includes(action)) return this.#add(request.role ?? "", action);

    const node = request.node ?? "";
    const process = this.#processes.get(node);
    const roleName = this.#nodeRoles.get(node);
    if (!process || !roleName) throw new ActionRefused("unknown-node", `this run has no node ${node || "(none named)"}`);
    const spec = this.manifest.roles[roleName]!;
    if (!spec.actions?.includes(action))
      throw new ActionRefused(
        "bad-action",
        `a ${spec.label.toLowerCase()} cannot ${action}; it can: ${(spec.actions ?? []).join(", ") || "nothing"}`,
      );

    switch (action) {
      case "kill":
        if (!process.running) throw new ActionRefused("bad-action", `${node} is not running`);
        this.#correlator.action({ node, action });
        process.signal("SIGKILL");
        break;
      case "restart":
        if (process.running) throw new ActionRefused("bad-action", `${node} is still running; kill it first`);
        this.#correlator.action({ node, action });
        void this.#startProcess(roleName, spec, Number(node.slice(roleName.length + 1))).catch(() => {});
        break;
      case "filter": {
        const filter = request.filter;
        if (filter === undefined || !spec.filters?.includes(filter)) {
          throw new ActionRefused(
            "bad-action",
            `filter must be one of: ${(spec.filters ?? []).map((choice) => JSON.stringify(choice)).join(", ")}`,
          );
        }
        this.#command(node, process, { command: "filter", filter });
        this.#correlator.action({ node, action, filter });
        break;
      }
      case "send-twice":
        this.#command(node, process, { command: "send-twice" });
        this.#correlator.action({ node, action });
        break;
      default:
        throw new ActionRefused("bad-action", `${action} applies to a role, not a node`);
    }
    return node;
  }

  #add(roleName: string, action: ActionName): string {
    // Own roles only: "constructor" or "toString" must not find Object.prototype's.
    const spec = Object.hasOwn(this.manifest.roles, roleName) ? this.manifest.roles[roleName] : undefined;
    if (!spec)
      throw new ActionRefused(
        "bad-params",
        `this demo has no role ${roleName || "(none named)"}; its roles are: ${Object.keys(this.manifest.roles).join(", ")}`,
      );
    if (!spec.actions?.includes(action)) throw new ActionRefused("bad-action", `a ${spec.label.toLowerCase()} cannot be added`);
    const live = [...this.#processes].filter(([id, process]) => this.#nodeRoles.get(id) === roleName && process.running).length;
    if (live >= spec.count.max) throw new ActionRefused("bad-action", `at most ${spec.count.max} of ${spec.label.toLowerCase()} may run`);
    let index = 1;
    while (this.#processes.has(`${roleName}-${index}`)) index += 1;
    void this.#startProcess(roleName, spec, index).catch(() => {});
    return `${roleName}-${index}`;
  }

  #command(node: string, process: DemoProcess, command: RoleCommand): void {
    if (!process.running || !process.command(command)) throw new ActionRefused("bad-action", `${node} is not running`);
  }

  async #startRole(roleName: string, spec: RoleSpec): Promise<void> {
    const starts: Promise<void>[] = [];
    const count = roleCount(spec, this.params);
    for (let index = 1; index <= count; index++) starts.push(this.#startProcess(roleName, spec, index));
    await Promise.all(starts);
  }

  /** Where a role binds an endpoint: loopback on any free port, or a path private to this run. */
  #bindAddress(name: string): string {
    const transport: Transport = this.manifest.endpoints[name]?.transport ?? TRANSPORTS[this.params.transport ?? 0] ?? "tcp";
    if (transport === "tcp") return `tcp://${this.#bindHost}:*`;
    this.#ipcDir ??= makeRunIpcDir();
    return `ipc://${join(this.#ipcDir, name)}`;
  }

  #startProcess(roleName: string, spec: RoleSpec, index: number): Promise<void> {
    if (this.#stopping) return Promise.reject(new RunFailed("the run is stopping"));
    const nodeId = `${roleName}-${index}`;
    const args = ["--index", String(index)];
    /**
     * Endpoints still to be reported bound. Two tcp binds are both told `tcp://<host>:*`,
     * so reports are paired with them in order: a role binds in the manifest's order.
     */
    const awaitingBind: { address: string; name: string }[] = [];
    const connectsTo: string[] = [];
    for (const use of spec.endpoints) {
      const { name, binds } = endpointName(use);
      // A restarted binder takes back the address it had, so its peers, reconnecting, find it.
      const address = binds ? (this.endpoints[name] ?? this.#bindAddress(name)) : this.endpoints[name]!;
      if (binds) awaitingBind.push({ address, name });
      else connectsTo.push(address);
      args.push(`--${endpointOption(spec, use)}`, address);
    }
    for (const name of spec.params) args.push(`--${name}`, paramArgument(this.manifest.params[name]!, this.params[name]!));

    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      // A connecting role is ready once started; a binding one once it has told us its endpoints.
      const timer =
        awaitingBind.length > 0
          ? setTimeout(() => settle(new RunFailed(`${nodeId} did not bind within ${BIND_TIMEOUT_MS} ms`)), BIND_TIMEOUT_MS)
          : undefined;

      const edited = this.#edited?.role === roleName ? this.#edited : undefined;
      const script = edited?.script ?? `${DEMOS_DIR}${this.manifest.name}/${spec.script}`;
      // Its life starts before it is handed its role: a warm process runs it at once, and on a
      // busy machine the bridge may be descheduled before its next line, while the process
      // already sends. Stamped after, its first messages would predate its life (unpairable).
      const startedAt = monotonicMs();
      const process = new DemoProcess(
        script,
        args,
        {
          onReports: (batch) => {
            this.#correlator.reports(nodeId, batch);
            for (const report of batch.reports) {
              const pending = report.kind === "bound" ? awaitingBind.findIndex(({ address }) => address === report.requested) : -1;
              if (report.kind === "bound" && pending !== -1) {
                this.endpoints[awaitingBind[pending]!.name] = report.endpoint;
                awaitingBind.splice(pending, 1);
                if (awaitingBind.length === 0) settle();
              }
            }
          },
          onLine: (stream, text) => this.#correlator.line(nodeId, stream, edited ? edited.rewriteLine(text) : text),
          onExit: (code, signal) => {
            this.#correlator.exited(nodeId, code, signal);
            settle(new RunFailed(`${nodeId} exited before it was ready (${signal ?? `code ${code}`})`));
            this.#afterExit();
          },
        },
        edited?.execArgv,
      );
      this.#processes.set(nodeId, process);
      this.#nodeRoles.set(nodeId, roleName);
      this.#correlator.spawned(nodeId, roleName, index, process.pid, startedAt, connectsTo, edited !== undefined);
      if (awaitingBind.length === 0) settle();
    });
  }

  /** When the last process has ended by itself, the run is over. */
  #afterExit(): void {
    if ([...this.#processes.values()].some((process) => process.running)) return;
    void this.stop("finished");
  }
}
