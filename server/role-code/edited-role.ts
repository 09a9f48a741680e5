/**
 * A learner's version of one role's function, made ready to run: which role and function it
 * replaces (from the demo's manifest), checked and compiled on the compiler thread, its modules
 * written to a folder of the run's own, and what every process of that role then needs: its
 * program there, the sandbox's Node options, and its output's stack frames in the learner's lines.
 */
import { rmSync } from "node:fs";
import { basename, join } from "node:path";
import type { DemoManifest } from "../../protocol/manifest.js";
import type { CodeDiagnostic } from "../../protocol/messages.js";
import type { CompileService } from "./compile-service.js";
import type { EditTarget } from "./compiler.js";
import { learnerStackLines } from "./stack-lines.js";
import { sandbox, writeRunModules } from "./sandbox.js";

/** An edited role ready to run. */
export interface EditedRole {
  role: string;
  /** The role's program, compiled from the edit, in the run's folder. */
  script: string;
  execArgv: readonly string[];
  /** Rewrites a line the role's processes print so that their stack frames name the learner's lines. */
  rewriteLine(line: string): string;
  /** Removes the run's folder; the run calls it once its processes have ended. */
  dispose(): void;
}

/** A request for a role that cannot be edited; `message` says which can. */
export class NotEditable extends Error {}

/** Which module and function of `manifest`'s `role` a learner edits; throws NotEditable when none. */
export function editTargetOf(manifest: DemoManifest, role: string): EditTarget {
  const editable = Object.entries(manifest.roles)
    .filter(([, spec]) => spec.code)
    .map(([name]) => name);
  const choices = editable.length > 0 ? `its roles that may be edited are: ${editable.join(", ")}` : "none of its roles may be edited";
  // Own roles only: "constructor" must not find Object.prototype's.
  const spec = Object.hasOwn(manifest.roles, role) ? manifest.roles[role] : undefined;
  if (!spec) throw new NotEditable(`${manifest.name} has no role ${role}; ${choices}`);
  if (!spec.code) throw new NotEditable(`the ${spec.label.toLowerCase()} of ${manifest.name} cannot be edited; ${choices}`);
  const file = basename(spec.code.file);
  if (spec.code.file !== `demos/${manifest.name}/${file}`)
    throw new Error(`${manifest.name}'s manifest names ${spec.code.file}, outside its folder`);
  return { demo: manifest.name, file, symbol: spec.code.symbol };
}

/** Compiles the learner's `source` for `role`: its problems, or the role ready to run. */
export async function prepareEditedRole(
  compiler: CompileService,
  manifest: DemoManifest,
  role: string,
  source: string,
  /** How a stack frame in the learner's text is written (stack-lines.ts); `your code, line N:C` by default. */
  place?: (line: number, column: string | undefined) => string,
): Promise<{ problems: CodeDiagnostic[] } | { edited: EditedRole }> {
  const target = editTargetOf(manifest, role);
  const built = await compiler.build(target, source);
  if ("diagnostics" in built) return { problems: built.diagnostics };
  const { execArgv } = sandbox();
  const folder = writeRunModules(built.modules);
  const script = join(folder, manifest.roles[role]!.script);
  if (!built.modules.some(([name]) => join(folder, name) === script)) {
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`${manifest.name}'s ${role} runs ${manifest.roles[role]!.script}, which does not use ${target.file}`);
  }
  return {
    edited: {
      role,
      script,
      execArgv,
      rewriteLine: learnerStackLines({ folder, demo: manifest.name, file: target.file, ...built.span, ...(place ? { place } : {}) }),
      dispose: () => rmSync(folder, { recursive: true, force: true }),
    },
  };
}
