/**
 * Demo parameters on a command line, for a person at a terminal: a parameter that picks one of
 * a few choices takes its words (`--sync on`, `--transport ipc`), any other a number; the help
 * lists every option in aligned columns. Used by each role program (role.ts) and by
 * `npm run demo` (scripts/demo.ts), so both read and describe parameters alike.
 */
import { type ParamSpec, paramProblem } from "../../protocol/manifest.js";

/** What an option takes, as its help shows it: `on|off`, or `N`. */
export function optionValue(spec: ParamSpec): string {
  return spec.choices ? spec.choices.join("|") : "N";
}

/** A parameter's value given on the command line, or the problem with it in words. */
export function readParam(spec: ParamSpec, option: string, given: string): { value: number } | { problem: string } {
  if (spec.choices) {
    const offset = spec.choices.indexOf(given.trim().toLowerCase());
    if (offset >= 0) return { value: spec.min + offset };
    return { problem: `${option} must be ${spec.choices.slice(0, -1).join(", ")} or ${spec.choices.at(-1)}` };
  }
  const value = given.trim() === "" ? Number.NaN : Number(given);
  const problem = paramProblem(spec, option, value);
  return problem ? { problem } : { value };
}

/** The help line's description of a parameter: its label, range and default, in its own words. */
export function paramDescription(spec: ParamSpec): string {
  if (spec.choices) return `${spec.label}; default ${spec.choices[spec.default - spec.min]}`;
  return `${spec.label}; ${spec.min}–${spec.max}${spec.unit ? ` ${spec.unit}` : ""}, default ${spec.default}`;
}

/** Rows of [option, description], the options padded to one column so the descriptions line up. */
export function helpLines(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([option]) => option.length));
  return rows.map(([option, description]) => `  ${option.padEnd(width)}   ${description}`);
}

/** A parameter's value as its command-line option takes it: the choice's word, or the number. */
export function paramArgument(spec: ParamSpec, value: number): string {
  return spec.choices?.[value - spec.min] ?? String(value);
}
