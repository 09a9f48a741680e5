/**
 * What a viewer can do to a live run, under the diagram: pick a node (here, or by clicking it
 * in the diagram), then kill, restart, send twice or change its filter, as its role allows; or
 * add a process to a role. It only asks; the bridge checks and does, and the events tell.
 */
import type { ActionName, DemoManifest } from "../../protocol/manifest.js";
import type { Panel, RunFrame } from "./panel.js";
import type { RunModel } from "./run-model.js";

export interface ActionChoice {
  action: ActionName;
  node?: string;
  role?: string;
  filter?: string;
}

const ACTION_WORDS: Record<ActionName, string> = {
  add: "Add",
  kill: "Kill",
  restart: "Restart",
  "send-twice": "Send twice",
  filter: "Filter",
};

export class ActionBar implements Panel {
  readonly element: HTMLElement;
  /** Called with what the viewer chose. */
  onAction: ((choice: ActionChoice) => void) | undefined;
  /** Called when the viewer picks another node here. */
  onSelect: ((nodeId: string) => void) | undefined;
  readonly #manifest: DemoManifest;
  readonly #nodeMenu: HTMLSelectElement;
  readonly #nodeButtons: HTMLElement;
  readonly #roleButtons: HTMLElement;
  readonly #endpoints: HTMLElement;
  #selected: string | undefined;
  #signature = "";

  constructor(manifest: DemoManifest) {
    this.#manifest = manifest;
    this.element = document.createElement("div");
    this.element.className = "demo-actions";
    this.#nodeMenu = document.createElement("select");
    this.#nodeMenu.setAttribute("aria-label", "Node to act on");
    this.#nodeMenu.addEventListener("change", () => this.onSelect?.(this.#nodeMenu.value));
    this.#nodeButtons = document.createElement("span");
    this.#nodeButtons.className = "node-actions";
    this.#roleButtons = document.createElement("span");
    this.#roleButtons.className = "role-actions";
    this.#endpoints = document.createElement("span");
    this.#endpoints.className = "demo-endpoints";
  }

  /** Builds the controls; they stay hidden until a run is live. */
  render(): void {
    this.#roleButtons.replaceChildren();
    for (const [role, spec] of Object.entries(this.#manifest.roles)) {
      if (!spec.actions?.includes("add")) continue;
      this.#roleButtons.append(this.#button(`Add ${spec.label.toLowerCase()}`, () => this.onAction?.({ action: "add", role })));
    }
    this.element.replaceChildren(this.#nodeMenu, this.#nodeButtons, this.#roleButtons, this.#endpoints);
    this.element.hidden = true;
  }

  /**
   * Shows the bar while a run is live: its endpoints to everyone (a viewer's own program may
   * join), and, to whoever may act on it, the actionable nodes and their buttons.
   */
  update({ model, state, canAct }: RunFrame): void {
    this.element.hidden = state !== "running";
    if (this.element.hidden) return;
    this.#showEndpoints(model);
    // Not shown at all to whoever may not use them (a viewer of a shared deck, a recording).
    for (const control of [this.#nodeMenu, this.#nodeButtons, this.#roleButtons]) control.hidden = !canAct;
    if (!canAct) return;
    const actionable = [...model.nodes.values()].filter((node) =>
      this.#manifest.roles[node.role]?.actions?.some((action) => action !== "add"),
    );
    this.#nodeMenu.hidden = actionable.length === 0;
    const signature = actionable.map((node) => `${node.id}:${node.status}`).join(",");
    if (signature === this.#signature) return;
    this.#signature = signature;
    this.#nodeMenu.replaceChildren(
      ...actionable.map((node) => new Option(`${node.id}${node.status === "exited" ? " (exited)" : ""}`, node.id)),
    );
    this.#nodeMenu.hidden = actionable.length === 0;
    if (!this.#selected || !actionable.some((node) => node.id === this.#selected)) this.#selected = actionable[0]?.id;
    this.select(this.#selected, model);
  }

  /**
   * Makes `nodeId` the node the buttons act on. A node with nothing to do to it (clicked in the
   * diagram to inspect it) leaves the menu on the node it was on, rather than blank.
   */
  select(nodeId: string | undefined, model: RunModel): void {
    if (nodeId && ![...this.#nodeMenu.options].some((option) => option.value === nodeId)) return;
    this.#selected = nodeId;
    if (nodeId) this.#nodeMenu.value = nodeId;
    const node = nodeId ? model.nodes.get(nodeId) : undefined;
    const spec = node ? this.#manifest.roles[node.role] : undefined;
    this.#nodeButtons.replaceChildren();
    if (!node || !spec) return;
    for (const action of spec.actions ?? []) {
      if (action === "add") continue;
      if (action === "filter") {
        const menu = document.createElement("select");
        menu.setAttribute("aria-label", `Filter of ${node.id}`);
        for (const filter of spec.filters ?? []) menu.append(new Option(filter === "" ? "everything" : filter, filter));
        menu.value = node.filters[0] ?? "";
        this.#nodeButtons.append(
          menu,
          this.#button("Filter", () => this.onAction?.({ action, node: node.id, filter: menu.value })),
        );
        continue;
      }
      const button = this.#button(ACTION_WORDS[action], () => this.onAction?.({ action, node: node.id }));
      // Kill and the others need a live process; restart needs one that has ended.
      button.disabled = action === "restart" ? node.status !== "exited" : node.status !== "running";
      this.#nodeButtons.append(button);
    }
  }

  destroy(): void {}

  /** Forgets the last run's nodes. */
  reset(): void {
    this.#signature = "";
    this.#endpoints.replaceChildren();
    delete this.#endpoints.dataset.shown;
    this.#selected = undefined;
    this.element.hidden = true;
  }

  /** The endpoints the run bound, so a person can connect a peer of their own, in any language. */
  #showEndpoints(model: RunModel): void {
    const shown = model.boundEndpoints.map(({ node, endpoint }) => `${node} ${endpoint}`).join("\n");
    if (this.#endpoints.dataset.shown === shown) return;
    this.#endpoints.dataset.shown = shown;
    this.#endpoints.replaceChildren(
      ...model.boundEndpoints.map(({ node, endpoint }) => {
        const code = document.createElement("code");
        code.dataset.endpoint = endpoint;
        code.title = `bound by ${node}`;
        code.textContent = endpoint;
        return code;
      }),
    );
  }

  #button(text: string, onClick: () => void): HTMLButtonElement {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = text;
    button.addEventListener("click", onClick);
    return button;
  }
}
