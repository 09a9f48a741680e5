/**
 * One run of a demo: its processes, started from the demo's manifest, and the stream of
 * events they make. Roles that bind start first; once each has reported the endpoint libzmq
 * bound (a wildcard port, so runs never collide), the roles that connect start with it.
 */
import { fileURLToPath } from "node:url";
import type { DemoManifest, ParamValues, RoleSpec } from "../demos/lib/manifest.js";
import type { ChildReport } from "../demos/lib/report-types.js";
import { DeliveryMatcher } from "./matcher.js";
import { DemoProcess } from "./process-group.js";
import type { NodeInfo, RunEvent, StopReason } from "./protocol.js";

/** Where compiled demos live, next to the compiled bridge. */
const DEMOS_DIR = fileURLToPath(new URL("../demos/", import.meta.url));
/** Where binding roles bind unless the deck is shared: loopback, so no demo is reachable from elsewhere. */
export const LOOPBACK = "127.0.0.1";
/** How long a binding role may take to report its endpoint before the run fails. */
const BIND_TIMEOUT_MS = 10_000;
const FAN_OUT_SOCKETS = new Set(["PUB", "XPUB"]);

export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface RunObserver {
  /** Called for every event, in order; the caller batches them. */
  onEvent(runId: string, event: RunEvent): void;
  /** Called once, when every process of the run has ended. */
  onStopped(runId: string, reason: StopReason): void;
}

class RunFailed extends Error {}

export interface RunOptions {
  /** The address binding roles bind, on any free port: loopback unless the deck is shared. */
  bindHost?: string;
}

export class Run {
  readonly id: string;
  readonly manifest: DemoManifest;
  readonly params: ParamValues;
  readonly endpoints: Record<string, string> = {};
  readonly #observer: RunObserver;
  readonly #processes = new Map<string, DemoProcess>();
  readonly #nodeRoles = new Map<string, string>();
  readonly #matcher: DeliveryMatcher;
  readonly #bindHost: string;
  #stopping: Promise<void> | undefined;
  #stopReason: StopReason | undefined;

  constructor(id: string, manifest: DemoManifest, params: ParamValues, observer: RunObserver, options: RunOptions = {}) {
    this.id = id;
    this.#bindHost = options.bindHost ?? LOOPBACK;
    this.manifest = manifest;
    this.params = params;
    this.#observer = observer;
    this.#matcher = new DeliveryMatcher({
      arePeers: (sender, receiver) => this.#rolesJoined(this.#nodeRoles.get(sender), this.#nodeRoles.get(receiver)),
      fansOut: (sender) => FAN_OUT_SOCKETS.has(this.manifest.roles[this.#nodeRoles.get(sender) ?? ""]?.socket ?? ""),
    });
  }

  /** The run's processes, as the diagram names them. */
  get nodes(): NodeInfo[] {
    return [...this.#processes].map(([id, process]) => {
      const role = this.#nodeRoles.get(id)!;
      return { id, role, index: Number(id.slice(role.length + 1)), pid: process.pid };
    });
  }

  get processCount(): number {
    return this.#processes.size;
  }

  /** Starts every role; resolves when all processes are started, rejects if one cannot be. */
  async start(): Promise<void> {
    const roles = Object.entries(this.manifest.roles);
    const binders = roles.filter(([, spec]) => "bind" in spec.endpoint);
    const connectors = roles.filter(([, spec]) => "connect" in spec.endpoint);
    try {
      await Promise.all(binders.map(([name, spec]) => this.#startRole(name, spec)));
      await Promise.all(connectors.map(([name, spec]) => this.#startRole(name, spec)));
    } catch (error) {
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
    this.#stopping ??= Promise.all([...this.#processes.values()].map((process) => process.stop())).then(() =>
      this.#observer.onStopped(this.id, reason),
    );
    return this.#stopping;
  }

  #rolesJoined(a: string | undefined, b: string | undefined): boolean {
    return this.manifest.edges.some((edge) => (edge.from === a && edge.to === b) || (edge.from === b && edge.to === a));
  }

  #emit(event: RunEvent): void {
    this.#observer.onEvent(this.id, event);
  }

  async #startRole(roleName: string, spec: RoleSpec): Promise<void> {
    const starts: Promise<void>[] = [];
    const count = spec.count.default;
    for (let index = 0; index < count; index++) starts.push(this.#startProcess(roleName, spec, index));
    await Promise.all(starts);
  }

  #startProcess(roleName: string, spec: RoleSpec, index: number): Promise<void> {
    if (this.#stopping) return Promise.reject(new RunFailed("the run is stopping"));
    const nodeId = `${roleName}-${index}`;
    const binds = "bind" in spec.endpoint;
    const endpointName = "bind" in spec.endpoint ? spec.endpoint.bind : spec.endpoint.connect;
    const args = binds ? ["--bind", `tcp://${this.#bindHost}:*`] : ["--connect", this.endpoints[endpointName]!];
    for (const name of spec.params) args.push(`--${name}`, String(this.params[name]));

    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      // A connecting role is ready once started; a binding one once it has told us its endpoint.
      const timer = binds ? setTimeout(() => settle(new RunFailed(`${nodeId} did not bind within ${BIND_TIMEOUT_MS} ms`)), BIND_TIMEOUT_MS) : undefined;

      const process = new DemoProcess(`${DEMOS_DIR}${this.manifest.name}/${spec.script}`, args, {
        onReports: ({ reports }) => {
          for (const report of reports) {
            this.#onReport(nodeId, report);
            if (binds && report.kind === "bound") {
              this.endpoints[endpointName] = report.endpoint;
              settle();
            }
          }
        },
        onLine: (stream, text) => this.#emit({ kind: "log", t: monotonicMs(), node: nodeId, stream, text }),
        onExit: (code, signal) => {
          this.#emit({ kind: "exit", t: monotonicMs(), node: nodeId, code, signal });
          settle(new RunFailed(`${nodeId} exited before it was ready (${signal ?? `code ${code}`})`));
          this.#afterExit();
        },
      });
      this.#processes.set(nodeId, process);
      this.#nodeRoles.set(nodeId, roleName);
      this.#emit({ kind: "spawn", t: monotonicMs(), node: nodeId, role: roleName, index, pid: process.pid });
      if (!binds) settle();
    });
  }

  #onReport(node: string, report: ChildReport): void {
    const event = { ...report, node };
    this.#emit(event);
    if (DeliveryMatcher.isMessage(event)) for (const delivery of this.#matcher.add(event)) this.#emit(delivery);
  }

  /** When the last process has ended by itself, the run is over. */
  #afterExit(): void {
    if ([...this.#processes.values()].some((process) => process.running)) return;
    void this.stop("finished");
  }
}
