/**
 * The bridge's side of the compiler thread (compile-worker.ts): started on the first request,
 * kept warm for the next, asked and answered by message. A thread that dies (out of memory on
 * some pathological edit) fails the requests it held and is started afresh for the next one.
 */
import { Worker } from "node:worker_threads";
import type { CodeDiagnostic, EditTarget } from "./compiler.js";
import type { CompileReply, CompileRequest } from "./compile-worker.js";
import type { SplicedModule } from "./cut.js";

/** What a build gives: the problems that keep it from running, or the modules to run and where the learner's lines are. */
export type BuildResult = { diagnostics: CodeDiagnostic[] } | { modules: [string, string][]; span: Omit<SplicedModule, "source"> };

type Pending = { resolve(reply: CompileReply & { ok: true }): void; reject(error: Error): void };

/**
 * How long one request may hold the thread: TypeScript can be made to think for minutes (types
 * that unfold without end). Past it, the thread is ended, and started afresh for the next.
 */
const REQUEST_TIMEOUT_MS = 30_000;
/** The heap the checker may use: a blow-up ends its thread, never the bridge. */
const COMPILER_HEAP_MB = 768;

/** Request kinds and their fields, less the id this service adds. */
type Ask = CompileRequest extends infer Request ? (Request extends { id: number } ? Omit<Request, "id"> : never) : never;

export class CompileService {
  readonly #workerData: { repoRoot: string; buildRoot: string };
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;

  /** `repoRoot` holds demos/ and tsconfig.node.json; `buildRoot` the compiled demos/ the runs import. */
  constructor(repoRoot: string, buildRoot: string) {
    this.#workerData = { repoRoot, buildRoot };
  }

  /** Loads the checker ahead of the first real request, off this thread. */
  warm(): void {
    this.#ask({ kind: "warm" }).catch(() => {});
  }

  /** The problems in `text` put in place of `target`'s function; empty when it may run. */
  async check(target: EditTarget, text: string): Promise<CodeDiagnostic[]> {
    return (await this.#ask({ kind: "check", target, text })).diagnostics;
  }

  /** Checks `text` and, when nothing is wrong, emits the modules that run it. */
  async build(target: EditTarget, text: string): Promise<BuildResult> {
    const reply = await this.#ask({ kind: "build", target, text });
    if (reply.modules && reply.span) return { modules: reply.modules, span: reply.span };
    return { diagnostics: reply.diagnostics };
  }

  /** Ends the thread; requests still waiting fail. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#fail(worker, new Error("the compiler was closed"));
    await worker.terminate();
  }

  #ask(request: Ask): Promise<CompileReply & { ok: true }> {
    const worker = this.#start();
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(worker, new Error(`the compiler took over ${REQUEST_TIMEOUT_MS / 1000} s on this code and was stopped`));
        void worker.terminate();
      }, REQUEST_TIMEOUT_MS);
      timer.unref();
      this.#pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      // While it works for someone it keeps the process alive; idle, it does not.
      worker.ref();
      worker.postMessage({ ...request, id } as CompileRequest);
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL("./compile-worker.js", import.meta.url), {
      workerData: this.#workerData,
      resourceLimits: { maxOldGenerationSizeMb: COMPILER_HEAP_MB },
    });
    worker.unref();
    worker.on("message", (reply: CompileReply) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if (!pending) return;
      if (reply.ok) pending.resolve(reply);
      else pending.reject(new Error(reply.error));
    });
    worker.on("error", (error) => this.#fail(worker, error));
    worker.on("exit", (code) => this.#fail(worker, new Error(`the compiler thread ended (code ${code})`)));
    this.#worker = worker;
    return worker;
  }

  /** The thread `worker` is done for: what it held fails, and the next request starts another. */
  #fail(worker: Worker, error: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
