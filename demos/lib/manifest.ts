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
}

/** How a role reaches one endpoint: it binds it or connects to it. */
export type EndpointUse = { bind: string } | { connect: string };

export interface RoleSpec {
  /** What the diagram calls one process of this role ("Client"). */
  label: string;
  /** The ZeroMQ socket type the role talks through, as drawn on its node ("REQ"). */
  socket: string;
  /** The compiled program, relative to the demo's folder under build/demos/. */
  script: string;
  /** How many processes of this role a run has. */
  count: { default: number; min: number; max: number };
  endpoint: EndpointUse;
  /** Names of the demo parameters this role's program takes on its command line. */
  params: string[];
}

export interface EndpointSpec {
  /** Where a role run by hand in a terminal binds or connects when not told otherwise. */
  standalone: string;
}

/** A line on the diagram between two roles; messages travel along it both ways. */
export interface EdgeSpec {
  from: string;
  to: string;
  /** What flows from `from` to `to`, and back, as the talk's picture labels it. */
  forwardLabel?: string;
  backLabel?: string;
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
  /** Rows of roles from top to bottom, as the talk draws the pattern. */
  layout: string[][];
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
