/**
 * "Write it yourself": an Edit button on every code listing that shows a role's whole function
 * (a manifest's `code`), which turns the listing into an editor (role-editor.ts, loaded with
 * CodeMirror only when Edit is first pressed). Nothing here is heavy: the deck's first load
 * does not grow by the editor.
 */
import { manifests } from "../../../protocol/manifests.js";
import type { ZmqDemo } from "../demo-widget.js";
import type { RoleEditor } from "./role-editor.js";

/** What a listing lets the learner edit: a demo's role and the function the slide shows. */
export interface EditableRole {
  demo: string;
  role: string;
  symbol: string;
}

/** What the page (deck or tutorial) supplies: the widget an edit runs in, and where edits are kept. */
export interface EditHost {
  /** The widget that runs `demo` for the listing `block`, made or found; undefined when there is none. */
  widgetFor(block: HTMLElement, demo: string): ZmqDemo | undefined;
  /** The editor is open (to lay the step out around it). */
  opened?(editor: RoleEditor, widget: ZmqDemo): void;
  storage: Storage | undefined;
}

/** Every editable role, by the `FILE#SYMBOL` its slide's `@code` names. */
const bySource = new Map<string, EditableRole>();
for (const [demo, manifest] of manifests) {
  for (const [role, spec] of Object.entries(manifest.roles)) {
    if (spec.code) bySource.set(`${spec.code.file}#${spec.code.symbol}`, { demo, role, symbol: spec.code.symbol });
  }
}

/** The role a listing shows whole, if it is editable (a few lines of a function are not). */
export function editableRole(block: HTMLElement): EditableRole | undefined {
  return bySource.get(block.dataset.source ?? "");
}

/** The editors open on the page, by their listing. */
const open = new Map<HTMLElement, { editor: RoleEditor; widget: ZmqDemo }>();

/** The widget the open editor on `slide` runs, if one is open there (R on a code slide runs it). */
export function editedWidgetOn(slide: Element | undefined): ZmqDemo | undefined {
  for (const [block, { widget }] of open) if (slide?.contains(block)) return widget;
  return undefined;
}

/** Presses Edit on `slide`'s listing, if it has one not yet open (the deck's E key). */
export function editOn(slide: Element | undefined): void {
  slide?.querySelector<HTMLButtonElement>(".code-edit-button:not([hidden])")?.click();
}

/** Adds an Edit button to each editable listing under `root`. */
export function addEditButtons(root: ParentNode, host: EditHost): void {
  for (const block of root.querySelectorAll<HTMLElement>(".code-block[data-source]")) {
    const editable = editableRole(block);
    if (!editable || block.querySelector(".code-edit-button")) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "code-edit-button";
    button.textContent = "Edit";
    button.title = `Edit ${editable.symbol} and run your version (E)`;
    button.addEventListener("click", () => void editorFor(block, host));
    block.prepend(button);
  }
}

/** The editor of listing `block`, opened if it is not yet (as its Edit button does). */
export async function editorFor(block: HTMLElement, host: EditHost): Promise<RoleEditor | undefined> {
  const editable = editableRole(block);
  const button = block.querySelector<HTMLButtonElement>(".code-edit-button");
  if (open.has(block)) return open.get(block)!.editor;
  if (!editable || !button || button.disabled) return undefined;
  const widget = host.widgetFor(block, editable.demo);
  if (!widget) return undefined;
  button.disabled = true;
  const { RoleEditor } = await import("./role-editor.js");
  const step = block.closest("section")?.id ?? "";
  const editor = new RoleEditor({ block, ...editable, step, widget, storage: host.storage });
  open.set(block, { editor, widget });
  editor.render();
  editor.bind();
  button.hidden = true;
  host.opened?.(editor, widget);
  editor.focus();
  return editor;
}
