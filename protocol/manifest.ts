/**
 * What a demo is, as data: its roles, endpoints, the edges to draw and its parameters.
 * The bridge spawns runs from it, the role programs parse their command line with it, and the
 * browser draws the diagram from it, so all three agree by construction. Pure data and types:
 * this module is imported by browser code and must stay free of Node and zeromq.
 */

/** A number a viewer may set, with the bounds the bridge enforces. */
export interface ParamSpec {
  label: string;
  default: number;
  min: number;
  max: number;
  step?: number;
  unit?: string;
  /** Names for the values min…max, when the number picks one of a few choices (0 off, 1 on). */
  choices?: string[];
}

/** How a role reaches one endpoint: it binds it or connects to it. */
export type EndpointUse = { bind: string } | { connect: string };

/**
 * What a viewer may do to a node while a run is live. The bridge does the first three itself
 * (it is the only one that spawns or signals processes); the others are commands it passes to
 * the process over its IPC channel, handled in demos/lib, never by the demo's own code.
 * - `add`: start one more process of the role (up to its count's maximum).
 * - `kill`: SIGKILL, so whatever was queued for it is lost, as in a crash.
 * - `restart`: start a killed or exited node again, under the same name.
 * - `send-twice`: a REQ sends a second request before its reply, to show libzmq's EFSM.
 * - `filter`: a SUB replaces its subscriptions with one of the role's `filters`.
 */
export type ActionName = "add" | "kill" | "restart" | "send-twice" | "filter";
export const ACTION_NAMES: readonly ActionName[] = ["add", "kill", "restart", "send-twice", "filter"];
/** Actions that concern a role as a whole rather than one of its processes. */
export const ROLE_ACTIONS: readonly ActionName[] = ["add"];

export interface RoleSpec {
  /** What the diagram calls one process of this role ("Client"). */
  label: string;
  /** The ZeroMQ socket type the role talks through, as drawn on its node ("REQ"). */
  socket: string;
  /** The compiled program, relative to the demo's folder under build/demos/. */
  script: string;
  /** How many processes of this role a run has. */
  count: { default: number; min: number; max: number };
  /**
   * The demo parameter that sets how many processes of this role a run starts (within
   * `count`'s bounds); without it, a run starts `count.default`.
   */
  countParam?: string;
  /** The endpoints the role binds or connects, in the order its program takes them. */
  endpoints: EndpointUse[];
  /** Names of the demo parameters this role's program takes on its command line. */
  params: string[];
  /** What a viewer may do to a node of this role while it runs. */
  actions?: ActionName[];
  /** For the `filter` action: the subscriptions a viewer may choose ("" is everything). */
  filters?: string[];
  /**
   * A figure the process measures itself and prints (a throughput, a round trip), shown on its
   * node as `label` and the first group `pattern` finds in the latest line it printed. A demo
   * with such figures shows no message rates of the diagram's own: one figure, as measured.
   */
  measurement?: { pattern: string; label: string };
  /**
   * A process of this role ends by itself, with code 0, once the demo's work is done (the
   * adder's sink, with every result in): the terminal then ends the run and says so.
   */
  finishes?: boolean;
  /**
   * The function of this role a slide shows, which a learner may edit and run in its place:
   * the module (relative to the repository's root, in the demo's folder) and the top-level
   * name the slide's `@code FILE#SYMBOL` cuts. Roles without it cannot be edited.
   */
  code?: RoleCode;
}

/** Where an editable role's function lives: `{ file: "demos/req-rep/server.ts", symbol: "startServer" }`. */
export interface RoleCode {
  file: string;
  symbol: string;
}

export interface EndpointSpec {
  /** Where a role run by hand in a terminal binds or connects when not told otherwise. */
  standalone: string;
  /**
   * A transport this endpoint always uses, whatever the run's `transport` parameter says
   * (the transports demo puts tcp and ipc side by side).
   */
  transport?: Transport;
}

/** The transports a run can bind its endpoints on; inproc lives inside one process. */
export type Transport = "tcp" | "ipc";
/** The `transport` parameter's values, by number (parameters are numbers on the wire). */
export const TRANSPORTS: readonly Transport[] = ["tcp", "ipc"];

/** A line on the diagram between two roles; messages travel along it both ways. */
export interface EdgeSpec {
  from: string;
  to: string;
  /** What flows from `from` to `to`, and back, as the talk's picture labels it. */
  forwardLabel?: string;
  backLabel?: string;
  /**
   * Which frame of a message names it on the diagram: 0 the first (a topic, a log level), -1
   * the last (the body, the default).
   */
  labelFrame?: number;
  /**
   * Which frame of a message is its body, as the inspector and the spoken summary quote it:
   * -1 the last (the default); another when frames follow the body (padding, say).
   */
  bodyFrame?: number;
}

export interface DemoManifest {
  name: string;
  title: string;
  /** Bumped whenever the demo's behaviour changes, so recorded traces can be seen as stale. */
  version: number;
  roles: Record<string, RoleSpec>;
  endpoints: Record<string, EndpointSpec>;
  edges: EdgeSpec[];
  params: Record<string, ParamSpec>;
  /** Rows of roles from top to bottom, as the talk draws the pattern; "" is an empty column. */
  layout: string[][];
}

/**
 * A demo's manifest with its role and parameter names kept as written, so that a role's program
 * gets its parameters by name as numbers (`params.rate`), and a name its role does not take,
 * or a role the demo does not have, is a type error.
 */
export function defineDemo<const M extends DemoManifest>(manifest: M): M {
  return manifest;
}

/** The parameters role `R` of demo `M` takes on its command line, by name. */
export type RoleParams<M extends DemoManifest, R extends keyof M["roles"]> = Record<M["roles"][R]["params"][number], number>;

/** The endpoint's name and whether the role binds it. */
export function endpointName(use: EndpointUse): { name: string; binds: boolean } {
  return "bind" in use ? { name: use.bind, binds: true } : { name: use.connect, binds: false };
}

/** The edge a message between two nodes (named role-index) travels, either way. */
export function edgeBetween(manifest: DemoManifest, fromNode: string, toNode: string): EdgeSpec | undefined {
  const roles = [fromNode, toNode].map((id) => id.slice(0, id.lastIndexOf("-")));
  return manifest.edges.find((edge) => roles.includes(edge.from) && roles.includes(edge.to));
}

/** Which frame of a message between two nodes is its body. */
export function bodyFrameOf(manifest: DemoManifest, fromNode: string, toNode: string): number {
  return edgeBetween(manifest, fromNode, toNode)?.bodyFrame ?? -1;
}

/** Whether the role binds any endpoint: binders start first, so connectors have somewhere to go. */
export function bindsAny(role: RoleSpec): boolean {
  return role.endpoints.some((use) => "bind" in use);
}

/** How many processes of `role` a run with `params` starts. */
export function roleCount(role: RoleSpec, params: ParamValues): number {
  return role.countParam ? (params[role.countParam] ?? role.count.default) : role.count.default;
}

/**
 * The command-line option a role takes for one endpoint: `--bind`/`--connect` when the role
 * has one endpoint, `--bind-NAME`/`--connect-NAME` when it has several.
 */
export function endpointOption(role: RoleSpec, use: EndpointUse): string {
  const { name, binds } = endpointName(use);
  const verb = binds ? "bind" : "connect";
  return role.endpoints.length === 1 ? verb : `${verb}-${name}`;
}

/** Parameter values of one run, by parameter name. */
export type ParamValues = Record<string, number>;

/** A parameter value out of its bounds or not a number, in words a person can act on. */
export function paramProblem(spec: ParamSpec, name: string, value: unknown): string | undefined {
  if (typeof value !== "number" || !Number.isFinite(value)) return `${name} must be a number`;
  if (value < spec.min || value > spec.max) return `${name} must be between ${spec.min} and ${spec.max}`;
  if (spec.step !== undefined && spec.step >= 1 && !Number.isInteger(value)) return `${name} must be a whole number`;
  return undefined;
}

/** The defaults of every parameter of a demo. */
export function defaultParams(manifest: DemoManifest): ParamValues {
  return Object.fromEntries(Object.entries(manifest.params).map(([name, spec]) => [name, spec.default]));
}
