/**
 * The compiler's thread: checking a learner's edit takes from a few tens of milliseconds to a
 * second, which the bridge's own thread must not spend while it streams events to every page.
 * It answers each request from compile-service.ts in the order asked.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type CodeDiagnostic, type EditTarget, RoleCompiler } from "./compiler.js";
import type { SplicedModule } from "./cut.js";

/** What the bridge asks the compiler thread. */
export type CompileRequest =
  | { id: number; kind: "warm" }
  | { id: number; kind: "check"; target: EditTarget; text: string }
  | { id: number; kind: "build"; target: EditTarget; text: string };

/** What it answers: diagnostics, and for a build with none, the modules to run. */
export type CompileReply =
  | { id: number; ok: true; diagnostics: CodeDiagnostic[]; modules?: [string, string][]; span?: Omit<SplicedModule, "source"> }
  | { id: number; ok: false; error: string };

const { repoRoot, buildRoot } = workerData as { repoRoot: string; buildRoot: string };
const compiler = new RoleCompiler(repoRoot, buildRoot);
/**
 * The last edit a check found nothing wrong with. The editor checks as the learner types, so a
 * Run usually sends exactly the text last checked: its build then skips the check (the slow
 * part) and only emits. The demos' own modules do not change under a running bridge.
 */
let lastClean: string | undefined;

parentPort!.on("message", (request: CompileRequest) => {
  let reply: CompileReply;
  try {
    if (request.kind === "warm") {
      compiler.warm();
      reply = { id: request.id, ok: true, diagnostics: [] };
    } else {
      const key = JSON.stringify([request.target, request.text]);
      const diagnostics = request.kind === "build" && key === lastClean ? [] : compiler.check(request.target, request.text);
      if (diagnostics.length === 0) lastClean = key;
      if (request.kind === "check" || diagnostics.length > 0) reply = { id: request.id, ok: true, diagnostics };
      else {
        const modules = [...compiler.emit(request.target, request.text)];
        const { firstLine, lastLine, originalLastLine } = compiler.splice(request.target, request.text);
        reply = { id: request.id, ok: true, diagnostics, modules, span: { firstLine, lastLine, originalLastLine } };
      }
    }
  } catch (error) {
    reply = { id: request.id, ok: false, error: (error as Error).message };
  }
  parentPort!.postMessage(reply);
});
