/**
 * One listing turned into an editor: the learner's version of a role's function, run by the
 * step's widget in place of the demo's own (a real process, marked "yours" in the diagram).
 * It keeps the edit in this browser per step, asks the bridge what is wrong while the learner
 * types (and when a run is refused), and offers Reset (after a confirm) and Show solution (the
 * original beside their code, theirs kept).
 *
 * Lifecycle: render() builds it in place of the listing, bind()/unbind() follow the widget,
 * destroy() puts the listing back.
 */
import type { CodeDiagnostic } from "../../../protocol/messages.js";
import { BridgeClient } from "../bridge-client.js";
import { keepControlKeysFromDeck } from "../deck-keys.js";
import type { ZmqDemo } from "../demo-widget.js";
import { CodeEditor } from "./code-editor.js";

export interface RoleEditorOptions {
  /** The listing (`.code-block`) the editor takes the place of. */
  block: HTMLElement;
  demo: string;
  role: string;
  symbol: string;
  /** The slide or step it is on: edits are kept per step. */
  step: string;
  widget: ZmqDemo;
  storage: Storage | undefined;
}

const STORAGE_PREFIX = "zmq-from-scratch:edit:";

/** The key an edit of `demo/role` on `step` is kept under. */
export const editStorageKey = (step: string, demo: string, role: string) => `${STORAGE_PREFIX}${step}:${demo}/${role}`;

function problemText(problem: CodeDiagnostic): string {
  const where = problem.outside ? `elsewhere (${problem.elsewhere ?? "the demo"})` : `Line ${problem.line}`;
  return `${where}: ${problem.message}`;
}

export class RoleEditor {
  readonly element: HTMLElement;
  readonly #options: RoleEditorOptions;
  /** The function as the slide shows it. */
  readonly #original: string;
  #editor: CodeEditor | undefined;
  #run!: HTMLButtonElement;
  #problems!: HTMLElement;
  #solution!: HTMLElement;
  #solutionButton!: HTMLButtonElement;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;

  readonly #onCodeProblems = (event: Event) =>
    this.#editor?.showProblems((event as CustomEvent<{ diagnostics: CodeDiagnostic[] }>).detail.diagnostics);
  readonly #onState = () => this.#followWidget();

  constructor(options: RoleEditorOptions) {
    this.#options = options;
    this.#original = options.block.querySelector("pre")?.textContent?.replace(/\n$/, "") ?? "";
    this.element = document.createElement("div");
    this.element.className = "role-editor";
    this.element.dataset.editor = `${options.demo}/${options.role}`;
  }

  /** The learner's text now. */
  get source(): string {
    return this.#editor?.source ?? this.#original;
  }

  /** Builds the editor where the listing was, with the learner's kept edit if there is one. */
  render(): void {
    const { block, symbol } = this.#options;
    const bar = document.createElement("div");
    bar.className = "role-editor-bar";
    const title = document.createElement("span");
    title.className = "role-editor-title";
    title.textContent = `Your ${symbol}`;
    this.#run = this.#button("Run your code", () => this.#options.widget.toggle());
    this.#run.classList.add("role-editor-run");
    const reset = this.#button("Reset", () => this.#reset());
    this.#solutionButton = this.#button("Show solution", () => this.#toggleSolution());
    this.#solutionButton.setAttribute("aria-pressed", "false");
    bar.append(title, this.#run, reset, this.#solutionButton);
    keepControlKeysFromDeck(bar);

    const panes = document.createElement("div");
    panes.className = "role-editor-panes";
    const host = document.createElement("div");
    host.className = "role-editor-code";
    // Every key typed here is the editor's: none moves the deck or the tutorial.
    host.addEventListener("keydown", (event) => event.stopPropagation());
    this.#solution = document.createElement("figure");
    this.#solution.className = "role-editor-solution";
    this.#solution.hidden = true;
    const caption = document.createElement("figcaption");
    caption.textContent = "The original";
    const listing = block.querySelector("pre")?.cloneNode(true);
    this.#solution.append(caption, ...(listing ? [listing] : []));
    panes.append(host, this.#solution);

    this.#problems = document.createElement("ul");
    this.#problems.className = "role-editor-problems";
    this.#problems.setAttribute("aria-live", "polite");
    this.#problems.setAttribute("aria-label", "Problems in your code");

    this.element.append(bar, panes, this.#problems);
    for (const size of ["code-large", "code-medium", "code-small"]) if (block.classList.contains(size)) this.element.classList.add(size);
    block.hidden = true;
    block.after(this.element);

    const client = BridgeClient.shared();
    const { demo, role, widget } = this.#options;
    this.#editor = new CodeEditor({
      parent: host,
      source: this.#kept() ?? this.#original,
      label: `Your version of ${symbol}`,
      // A viewer's page never sends code; the bridge would refuse it anyway (read-only).
      check: (source) => (widget.canRun ? client.check(demo, { role, source }) : Promise.resolve([])),
      onChange: (source) => this.#keep(source),
      onProblems: (problems) => this.#listProblems(problems),
    });
    widget.useCode(() => ({ role, source: this.source }));
    this.#followWidget();
  }

  bind(): void {
    this.#options.widget.addEventListener("zmq-demo-code-problems", this.#onCodeProblems);
    this.#options.widget.addEventListener("zmq-demo-state", this.#onState);
  }

  unbind(): void {
    this.#options.widget.removeEventListener("zmq-demo-code-problems", this.#onCodeProblems);
    this.#options.widget.removeEventListener("zmq-demo-state", this.#onState);
  }

  focus(): void {
    this.#editor?.focus();
  }

  /** Puts the learner's text in the editor (an exercise's starting point), as one undoable change. */
  setSource(source: string): void {
    this.#editor?.setSource(source);
  }

  /** The function as the slide shows it. */
  get original(): string {
    return this.#original;
  }

  /** Whether the learner's text differs from the original. */
  get edited(): boolean {
    return this.source !== this.#original;
  }

  destroy(): void {
    this.unbind();
    clearTimeout(this.#saveTimer);
    this.#options.widget.useCode(undefined);
    this.#editor?.destroy();
    this.element.remove();
    this.#options.block.hidden = false;
  }

  #button(label: string, action: () => void): HTMLButtonElement {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.addEventListener("click", action);
    return button;
  }

  /** The editor's Run follows the widget's: Stop while the run is on, not there where this page may not run. */
  #followWidget(): void {
    const { widget } = this.#options;
    this.#run.textContent = widget.isActive ? "Stop" : "Run your code";
    this.#run.hidden = !widget.canRun;
  }

  #reset(): void {
    if (!this.edited) return;
    if (!confirm(`Throw away your changes to ${this.#options.symbol} and restore the original?`)) return;
    this.#editor?.setSource(this.#original);
    this.#options.storage?.removeItem(this.#storageKey());
  }

  #toggleSolution(): void {
    const shown = this.#solution.hidden;
    this.#solution.hidden = !shown;
    this.#solutionButton.textContent = shown ? "Hide solution" : "Show solution";
    this.#solutionButton.setAttribute("aria-pressed", String(shown));
  }

  #listProblems(problems: CodeDiagnostic[]): void {
    this.#problems.replaceChildren(
      ...problems.map((problem) => {
        const item = document.createElement("li");
        item.dataset.severity = problem.severity;
        item.dataset.line = String(problem.line);
        item.textContent = problemText(problem);
        return item;
      }),
    );
  }

  #storageKey(): string {
    const { step, demo, role } = this.#options;
    return editStorageKey(step, demo, role);
  }

  #kept(): string | undefined {
    try {
      return this.#options.storage?.getItem(this.#storageKey()) ?? undefined;
    } catch {
      return undefined;
    }
  }

  /** Kept soon after each change (the original itself is not kept). */
  #keep(source: string): void {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => {
      try {
        if (source === this.#original) this.#options.storage?.removeItem(this.#storageKey());
        else this.#options.storage?.setItem(this.#storageKey(), source);
      } catch {
        // A full or refused storage: the edit lives on in the page.
      }
    }, 200);
  }
}
