/**
 * The SVG picture of a demo: its processes as the talk draws them (rows from top to bottom,
 * each node with its socket type on the side that faces its peers), the lines between them,
 * and every delivered message travelling from its real sender to its real receiver.
 * It draws a RunModel and animates deliveries; it holds no state of the run itself.
 */
import type { DemoManifest } from "../../demos/lib/manifest.js";
import type { DeliverEvent } from "../../server/protocol.js";
import type { NodeState, RunModel } from "./run-model.js";

const SVG = "http://www.w3.org/2000/svg";
/** Horizontal room per node in the widest row; a row of one still gets room for its labels. */
const COLUMN_WIDTH = 250;
const MIN_WIDTH = 460;
const NODE_WIDTH = 190;
const NODE_HEIGHT = 92;
const ROW_GAP = 130;
const MARGIN = 16;
/** Horizontal offset of the two lanes of an edge: forward on the left, back on the right. */
const LANE_OFFSET = 14;
/** How long one message takes to cross the picture. A display choice: real delivery is faster. */
export const TRAVEL_MS = 650;
/** Above this many messages in the air, new ones are counted but not drawn travelling. */
const MAX_FLIGHTS = 48;

interface Point {
  x: number;
  y: number;
}

interface NodeView {
  group: SVGGElement;
  counters: SVGTextElement;
  detail: SVGTextElement;
  center: Point;
  /** Where lines leave the node towards peers below and above. */
  bottom: Point;
  top: Point;
}

interface Flight {
  element: SVGGElement;
  from: Point;
  to: Point;
  start: number;
}

function svg<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function label(delivery: DeliverEvent): string {
  const first = delivery.frames[0];
  if (!first) return "∅";
  const text = first.binary ? `0x${first.text}` : first.text;
  return text.length > 12 ? `${text.slice(0, 11)}…` : text;
}

let diagramCount = 0;

export class DiagramView {
  readonly element: SVGSVGElement;
  readonly #manifest: DemoManifest;
  readonly #nodes = new Map<string, NodeView>();
  readonly #flightLayer: SVGGElement;
  readonly #flights = new Set<Flight>();
  #frame = 0;
  /** Marker ids are page-wide, so each diagram gets its own. */
  readonly #arrowId = `arrow-${++diagramCount}`;

  constructor(manifest: DemoManifest) {
    this.#manifest = manifest;
    this.element = svg("svg", { class: "diagram", role: "img", "aria-label": `${manifest.title}: diagram of the processes and their messages` });
    this.#flightLayer = svg("g", { class: "flights" });
  }

  /** Lays the picture out for the model's nodes; called again when the set of nodes changes. */
  render(model: RunModel): void {
    this.destroy();
    this.element.replaceChildren();
    this.#nodes.clear();
    const rows = this.#manifest.layout.map((roles) => [...model.nodes.values()].filter((node) => roles.includes(node.role)));
    const height = MARGIN * 2 + rows.length * NODE_HEIGHT + (rows.length - 1) * ROW_GAP;
    const width = Math.max(MIN_WIDTH, COLUMN_WIDTH * Math.max(...rows.map((nodes) => nodes.length)));
    this.element.setAttribute("viewBox", `0 0 ${width} ${height}`);

    const rowOfRole = new Map<string, number>();
    this.#manifest.layout.forEach((roles, row) => roles.forEach((role) => rowOfRole.set(role, row)));
    const edgeLayer = svg("g", { class: "edges" });
    const nodeLayer = svg("g", { class: "nodes" });

    rows.forEach((nodes, row) => {
      const y = MARGIN + row * (NODE_HEIGHT + ROW_GAP);
      nodes.forEach((node, column) => {
        const x = (width * (column + 0.5)) / nodes.length - NODE_WIDTH / 2;
        const facesDown = this.#manifest.edges.some((edge) => [edge.from, edge.to].includes(node.role) && (rowOfRole.get(edge.from === node.role ? edge.to : edge.from) ?? 0) > row);
        this.#nodes.set(node.id, this.#drawNode(nodeLayer, node, x, y, facesDown));
      });
    });

    const rowWidth = new Map(rows.flatMap((nodes) => nodes.map((node) => [node.id, nodes.length] as const)));
    for (const edge of this.#manifest.edges) {
      for (const from of model.nodes.values()) {
        if (from.role !== edge.from) continue;
        for (const to of model.nodes.values()) {
          if (to.role !== edge.to) continue;
          // Lines fanning out from one node to many meet at the one: label them near the many,
          // where they are apart, so their labels do not pile up on each other.
          const fromRow = rowWidth.get(from.id) ?? 1;
          const toRow = rowWidth.get(to.id) ?? 1;
          const labelAt = fromRow === toRow ? 0.5 : fromRow > toRow ? 0.3 : 0.7;
          this.#drawEdge(edgeLayer, from.id, to.id, labelAt, edge.forwardLabel, edge.backLabel);
        }
      }
    }
    const arrow = svg("marker", { id: this.#arrowId, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    arrow.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow-head" }));
    const defs = svg("defs");
    defs.append(arrow);
    this.element.append(defs, edgeLayer, nodeLayer, this.#flightLayer);
    this.update(model);
  }

  /** Brings every node's counters, pid and status up to date with the model. */
  update(model: RunModel): void {
    for (const node of model.nodes.values()) {
      const view = this.#nodes.get(node.id);
      if (!view) continue;
      const { group } = view;
      group.dataset.pid = node.pid === undefined ? "" : String(node.pid);
      group.dataset.sent = String(node.sent);
      group.dataset.received = String(node.received);
      group.dataset.status = node.status;
      view.counters.textContent = `sent ${node.sent} · received ${node.received}`;
      view.detail.textContent = this.#detail(node);
    }
  }

  #detail(node: NodeState): string {
    if (node.status === "planned") return "not running";
    if (node.status === "exited") return `pid ${node.pid} · exited (${node.exitSignal ?? `code ${node.exitCode}`})`;
    return `pid ${node.pid}`;
  }

  /** Sends a dot along the edge from the message's sender to its receiver. */
  animate(delivery: DeliverEvent): void {
    if (this.#flights.size >= MAX_FLIGHTS) return;
    const sender = this.#nodes.get(delivery.from);
    const receiver = this.#nodes.get(delivery.node);
    if (!sender || !receiver) return;
    const downwards = receiver.center.y > sender.center.y;
    // Forward lane on the left going down, back lane on the right going up, as the talk draws it.
    const offset = downwards ? -LANE_OFFSET : LANE_OFFSET;
    const from = downwards ? { x: sender.bottom.x + offset, y: sender.bottom.y } : { x: sender.top.x + offset, y: sender.top.y };
    const to = downwards ? { x: receiver.top.x + offset, y: receiver.top.y } : { x: receiver.bottom.x + offset, y: receiver.bottom.y };
    const element = svg("g", { class: "message", "data-from": delivery.from, "data-to": delivery.node });
    element.append(svg("circle", { r: 7 }), svg("text", { x: downwards ? -12 : 12, y: 4, "text-anchor": downwards ? "end" : "start" }, label(delivery)));
    this.#flightLayer.append(element);
    this.#flights.add({ element, from, to, start: performance.now() });
    this.#frame ||= requestAnimationFrame((now) => this.#step(now));
  }

  /** Stops all animation and forgets messages in the air. */
  destroy(): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    for (const flight of this.#flights) flight.element.remove();
    this.#flights.clear();
  }

  #step(now: number): void {
    for (const flight of this.#flights) {
      const progress = Math.min(1, (now - flight.start) / TRAVEL_MS);
      const eased = progress < 0.5 ? 2 * progress * progress : 1 - (-2 * progress + 2) ** 2 / 2;
      const x = flight.from.x + (flight.to.x - flight.from.x) * eased;
      const y = flight.from.y + (flight.to.y - flight.from.y) * eased;
      flight.element.setAttribute("transform", `translate(${x.toFixed(1)} ${y.toFixed(1)})`);
      if (progress >= 1) {
        flight.element.remove();
        this.#flights.delete(flight);
      }
    }
    this.#frame = this.#flights.size > 0 ? requestAnimationFrame((next) => this.#step(next)) : 0;
  }

  #drawNode(layer: SVGGElement, node: NodeState, x: number, y: number, facesDown: boolean): NodeView {
    const spec = this.#manifest.roles[node.role]!;
    const group = svg("g", { class: "node", "data-node": node.id, "data-role": node.role, transform: `translate(${x} ${y})` });
    const strip = 26;
    const stripY = facesDown ? NODE_HEIGHT - strip : 0;
    const bodyY = facesDown ? 0 : strip;
    // The strip is rounded on the node's outer corners and square where it meets the body.
    group.append(
      svg("rect", { class: "node-box", width: NODE_WIDTH, height: NODE_HEIGHT, rx: 10 }),
      svg("rect", { class: "socket-strip", y: stripY, width: NODE_WIDTH, height: strip, rx: 10 }),
      svg("rect", { class: "socket-strip", y: facesDown ? stripY : strip / 2, width: NODE_WIDTH, height: strip / 2 }),
      svg("rect", { class: "node-outline", width: NODE_WIDTH, height: NODE_HEIGHT, rx: 10 }),
      svg("text", { class: "socket-type", x: NODE_WIDTH / 2, y: stripY + 18, "text-anchor": "middle" }, spec.socket),
    );
    const count = this.#manifest.roles[node.role]!.count.default;
    const title = count > 1 ? `${spec.label} ${node.index + 1}` : spec.label;
    group.append(svg("text", { class: "node-label", x: NODE_WIDTH / 2, y: bodyY + 22, "text-anchor": "middle" }, title));
    const detail = svg("text", { class: "node-detail", x: NODE_WIDTH / 2, y: bodyY + 40, "text-anchor": "middle" });
    const counters = svg("text", { class: "node-counters", x: NODE_WIDTH / 2, y: bodyY + 58, "text-anchor": "middle" });
    group.append(detail, counters);
    layer.append(group);
    return {
      group,
      counters,
      detail,
      center: { x: x + NODE_WIDTH / 2, y: y + NODE_HEIGHT / 2 },
      bottom: { x: x + NODE_WIDTH / 2, y: y + NODE_HEIGHT },
      top: { x: x + NODE_WIDTH / 2, y },
    };
  }

  /** Draws the lanes between two nodes, labelled at `labelAt` (0 at `from`, 1 at `to`). */
  #drawEdge(layer: SVGGElement, fromId: string, toId: string, labelAt: number, forwardLabel?: string, backLabel?: string): void {
    const from = this.#nodes.get(fromId);
    const to = this.#nodes.get(toId);
    if (!from || !to) return;
    const downwards = to.center.y > from.center.y;
    const start = downwards ? from.bottom : from.top;
    const end = downwards ? to.top : to.bottom;
    const group = svg("g", { class: "edge", "data-edge": `${fromId}->${toId}` });
    for (const [offset, text, towards] of [
      [-LANE_OFFSET, forwardLabel, end],
      [LANE_OFFSET, backLabel, start],
    ] as const) {
      if (offset > 0 && !backLabel) continue;
      const away = towards === end ? start : end;
      // Stop short of the node so the arrow head is not hidden under it.
      const inset = Math.sign(towards.y - away.y) * 3;
      group.append(svg("line", { class: "lane", x1: away.x + offset, y1: away.y + inset, x2: towards.x + offset, y2: towards.y - inset, "marker-end": `url(#${this.#arrowId})` }));
      if (text) {
        const at = { x: start.x + (end.x - start.x) * labelAt + offset * 2, y: start.y + (end.y - start.y) * labelAt + 5 };
        group.append(svg("text", { class: "edge-label", x: at.x, y: at.y, "text-anchor": offset < 0 ? "end" : "start" }, `"${text}"`));
      }
    }
    layer.append(group);
  }
}
