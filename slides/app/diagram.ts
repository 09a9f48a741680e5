/**
 * The SVG picture of a demo: it paints what the layout (diagram-layout.ts) placed — its
 * processes in rows as the talk draws them, each node with its socket type on the side that
 * faces its peers, the lines between them — and the frames of what is in the air
 * (diagram-flights.ts). It draws a RunModel and holds no state of the run itself.
 *
 * It is drawn at the size of its element (one unit, one px), so text keeps its size; when the
 * element is resized the layout is made again.
 *
 * Lifecycle, as the widget's panels (panel.ts): reset() draws a model afresh, render() lays it
 * out and draws it again, update() follows the run, destroy() stops every animation and observer.
 */
import { type DemoManifest, edgeBetween } from "../../protocol/manifest.js";
import type { DeliverEvent, LostEvent } from "../../protocol/messages.js";
import { type AnimationSpeed, AnimationClock, FlightBoard, TRAVEL_MS } from "./diagram-flights.js";
import { type DiagramLayout, type EdgeLayout, type NodeLayout, layoutDiagram } from "./diagram-layout.js";
import { type DiagramFont, FONTS, type TextMeasure, counterTexts, estimateWidth, firstThatFits, shortCount } from "./diagram-text.js";
import { framePreview } from "./frame-preview.js";
import { prefersReducedMotion } from "./live-summary.js";
import { measuredFigure, showsCountedRates } from "./measurement.js";
import type { Panel, RunFrame } from "./panel.js";
import type { NodeState, RunModel } from "./run-model.js";
import type { EdgeView } from "./traffic.js";

export type { AnimationSpeed } from "./diagram-flights.js";

const SVG = "http://www.w3.org/2000/svg";
/** How often rates are read again while something flows, so a quiet edge returns to dots. */
const RATE_REFRESH_MS = 250;
/** A queue is drawn as at most this many slots; the number says the rest. */
const QUEUE_SLOTS = 6;
/** The box a diagram takes before its element has been measured (or when it is not shown). */
const DEFAULT_BOX = { width: 820, height: 440 };
/** The longest label a travelling message carries. */
const LABEL_CHARS = 14;

interface NodeView {
  layout: NodeLayout;
  group: SVGGElement;
  counters: SVGTextElement;
  detail: SVGTextElement | undefined;
  /** The stack of messages waiting at the node's socket, beside its socket strip. */
  queue: SVGGElement | undefined;
  /** "yours": shown while the process runs the learner's edited code. */
  yours: SVGTextElement;
}

/** One line between two processes: its lanes (forward, and back when two-way) and its rate. */
interface EdgeLines {
  layout: EdgeLayout;
  group: SVGGElement;
  forward: SVGLineElement;
  back: SVGLineElement | undefined;
  rate: SVGTextElement;
  view: EdgeView;
}

/** A lane's thickness at `rate` messages a second: grows with the order of magnitude. */
function laneWidth(rate: number): number {
  return rate <= 0 ? 2 : Math.min(12, 2 + 2 * Math.log10(1 + rate / 10));
}

/**
 * Writes text and data attributes only when they change. The diagram is brought up to date
 * every animation frame of a busy run; rewriting an SVG text that reads the same still makes
 * the browser lay the drawing out again, a frame's worth of work wasted many times a second.
 */
function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
function setData(element: HTMLElement | SVGElement, key: string, value: string): void {
  if (element.dataset[key] !== value) element.dataset[key] = value;
}

function svg<K extends keyof SVGElementTagNameMap>(
  name: K,
  attributes: Record<string, string | number> = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** A text element in one of the diagram's fonts: its size comes from the font table, so layout and picture agree. */
function text(font: DiagramFont, attributes: Record<string, string | number>, content?: string): SVGTextElement {
  return svg(
    "text",
    {
      ...attributes,
      "font-size": font.size,
      "font-weight": font.weight,
      ...(font.italic ? { "font-style": "italic" } : {}),
      "data-font": font.family,
    },
    content,
  );
}

/**
 * Measures text as the browser will draw it, in the deck's own fonts (a canvas measures the
 * same widths as SVG text). Before the fonts have loaded, the generous estimate is used.
 */
export function canvasMeasure(): TextMeasure {
  const context = document.createElement("canvas").getContext("2d");
  const root = getComputedStyle(document.documentElement);
  const families = {
    sans: root.getPropertyValue("--font").trim() || "sans-serif",
    mono: root.getPropertyValue("--mono").trim() || "monospace",
  };
  if (!context) return estimateWidth;
  return (content, font) => {
    if (document.fonts.status !== "loaded") return estimateWidth(content, font);
    context.font = `${font.italic ? "italic " : ""}${font.weight} ${font.size}px ${families[font.family]}`;
    return context.measureText(content).width;
  };
}

let diagramCount = 0;

/** An edge's rate, as its label says it. */
function rateLabel(perSecond: number, crowded: boolean): string {
  return `${shortCount(perSecond)}${crowded ? "/s" : " msg/s"}`;
}

/** A node's message rate, shown once it is past what single dots can show. */
function rate(node: NodeState): string {
  const perSecond = node.sendRate + node.receiveRate;
  return perSecond >= 50 ? ` · ${shortCount(perSecond)} msg/s` : "";
}

/** What a node's detail line says, from the most words to the fewest. */
function detailTexts(node: NodeState, manifest: DemoManifest): string[] {
  if (node.external) return ["seen by the socket monitor", "socket monitor"];
  if (node.status === "planned") return ["not running"];
  if (node.status === "exited") {
    const how = `exited (${node.exitSignal ?? `code ${node.exitCode}`})`;
    return [`pid ${node.pid} · ${how}`, how, "exited"];
  }
  if (node.filters.length > 0) {
    const filters = node.filters.map((filter) => (filter === "" ? "everything" : `"${filter}"`)).join(", ");
    return [`pid ${node.pid} · ${filters}`, filters];
  }
  // A figure the process measured itself is the one shown: the diagram adds no rate of its own then.
  const measured = measuredFigure(manifest, node);
  if (measured !== undefined) return [measured];
  return showsCountedRates(manifest) ? [`pid ${node.pid}${rate(node)}`, `pid ${node.pid}`] : [`pid ${node.pid}`];
}

export class DiagramView implements Panel {
  readonly element: SVGSVGElement;
  readonly #manifest: DemoManifest;
  readonly #measure: TextMeasure;
  readonly #nodes = new Map<string, NodeView>();
  readonly #edges = new Map<string, EdgeLines>();
  readonly #flightLayer: SVGGElement;
  /** The dot drawn for each flight in the air, by flight id. */
  readonly #dots = new Map<number, SVGGElement>();
  /** Page time, as the diagram reads it: a still frame's stands still (see the constructor). */
  readonly #pageNow: () => number;
  readonly #clock: AnimationClock;
  readonly #flights: FlightBoard<DeliverEvent>;
  #layout: DiagramLayout | undefined;
  #box = DEFAULT_BOX;
  #frame = 0;
  #model: RunModel | undefined;
  #rateTimer: ReturnType<typeof setInterval> | undefined;
  #resizeObserver: ResizeObserver | undefined;
  /** Marker ids are page-wide, so each diagram gets its own. */
  readonly #arrowId = `arrow-${++diagramCount}`;
  #selected: string | undefined;
  #layoutVersion = -1;
  readonly #reducedMotion = prefersReducedMotion();
  /** Called when a viewer picks a node (click, Enter or Space on it). */
  onSelect: ((nodeId: string) => void) | undefined;
  /**
   * Called when a viewer clicks a travelling (or paused) message. The keyboard's way to the
   * same message is the inspector's list of latest messages.
   */
  onPickMessage: ((delivery: DeliverEvent) => void) | undefined;

  /**
   * `pageNow` is the page's clock, by which rates fall when messages stop; a still frame (the
   * PDF's) hands in one that stands still, so its flows are those of its moment.
   */
  constructor(
    manifest: DemoManifest,
    { measure = canvasMeasure(), pageNow = () => performance.now() }: { measure?: TextMeasure; pageNow?: () => number } = {},
  ) {
    this.#manifest = manifest;
    this.#measure = measure;
    this.#pageNow = pageNow;
    this.#clock = new AnimationClock(pageNow);
    this.#flights = new FlightBoard(measure);
    this.element = svg("svg", {
      class: "diagram",
      role: "img",
      "aria-label": `${manifest.title}: diagram of the processes and their messages`,
    });
    // Travelling dots are a picture of what the live summary says in words; their click is a
    // shortcut to what the inspector's list of latest messages offers to the keyboard.
    this.#flightLayer = svg("g", { class: "flights", "aria-hidden": "true" });
    this.#flightLayer.addEventListener("click", (event) => {
      const dot = (event.target as Element).closest<SVGGElement>(".message");
      const flightId = Number(dot?.dataset.flight);
      for (const [id, element] of this.#dots) if (id === flightId && element === dot) this.#pick(id);
    });
    this.element.dataset.speed = this.#clock.speed;
    // Drawn at the size it is given: a new size is a new layout, once the browser has settled it.
    // A narrow column (a phone, the tutorial) says `--diagram-fit: width` and the diagram is as tall as it needs.
    if (typeof ResizeObserver === "function") {
      this.#resizeObserver = new ResizeObserver(([entry]) => {
        const { width, height } = entry!.contentRect;
        if (width < 1) return;
        const fitWidth = getComputedStyle(this.element).getPropertyValue("--diagram-fit").trim() === "width";
        const box = { width: Math.round(width), height: fitWidth ? Number.POSITIVE_INFINITY : Math.round(height) };
        if (!fitWidth && height < 1) return;
        if (box.width === this.#box.width && (box.height === this.#box.height || Math.abs(box.height - this.#box.height) < 1)) return;
        this.#box = box;
        this.render();
      });
      this.#resizeObserver.observe(this.element);
    }
    // Fonts that arrive late change every width: lay out again with the real ones.
    if (typeof document !== "undefined" && document.fonts?.status !== "loaded") void document.fonts?.ready.then(() => this.render());
  }

  /** Whether the diagram has been laid out at the size it is shown (not the default size it starts with). */
  get measured(): boolean {
    return this.#box !== DEFAULT_BOX;
  }

  /** Lays the picture out again for its box (resized, fonts loaded) and draws it; messages in the air fly on. */
  render(): void {
    if (this.#model) this.#draw(this.#model);
  }

  /** A new run, or a run taken up as it stands: the model drawn afresh, nothing in the air. */
  reset(model: RunModel): void {
    this.clearFlights();
    this.#draw(model);
  }

  /** Follows the run: counters, rates, queues; what arrived travels. */
  update({ model, arrived }: RunFrame): void {
    this.#follow(model);
    for (const message of arrived) {
      if (message.kind === "lost") this.animateLost(message);
      else this.animate(message);
    }
  }

  /** Lays the picture out for the model's nodes and its box, and draws it. */
  #draw(model: RunModel): void {
    this.#model = model;
    this.#layoutVersion = model.layoutVersion;
    this.#nodes.clear();
    this.#edges.clear();
    this.#dots.clear();
    this.#flightLayer.replaceChildren();
    const layout = layoutDiagram({ manifest: this.#manifest, nodes: [...model.nodes.values()], box: this.#box, measure: this.#measure });
    this.#layout = layout;
    this.element.setAttribute("viewBox", `0 0 ${layout.width} ${layout.height}`);
    this.element.dataset.scale = layout.scale.toFixed(2);
    const height = Number.isFinite(this.#box.height) ? "" : `${Math.ceil(layout.height * layout.scale)}px`;
    if (this.element.style.height !== height) this.element.style.height = height;

    const edgeLayer = svg("g", { class: "edges" });
    const nodeLayer = svg("g", { class: "nodes" });
    for (const edge of layout.edges) this.#drawEdge(edgeLayer, edge);
    for (const node of model.nodes.values()) {
      const placed = layout.nodes.get(node.id);
      if (placed) this.#nodes.set(node.id, this.#drawNode(nodeLayer, node, placed));
    }
    const arrow = svg("marker", {
      id: this.#arrowId,
      viewBox: "0 0 10 10",
      refX: 9,
      refY: 5,
      markerWidth: 14,
      markerHeight: 14,
      markerUnits: "userSpaceOnUse",
      orient: "auto-start-reverse",
    });
    arrow.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow-head" }));
    const defs = svg("defs");
    defs.append(arrow);
    this.element.replaceChildren(defs, edgeLayer, nodeLayer, this.#flightLayer);
    this.#follow(model);
    this.#paintFlights();
  }

  /** Brings every node's counters, pid and status, and every edge's rate, up to date with the model. */
  #follow(model: RunModel): void {
    if (model.layoutVersion !== this.#layoutVersion) {
      this.#draw(model);
      return;
    }
    this.#model = model;
    this.#updateEdges(model);
    for (const node of model.nodes.values()) {
      const view = this.#nodes.get(node.id);
      if (!view) continue;
      const { group, layout } = view;
      setData(group, "pid", node.pid === undefined ? "" : String(node.pid));
      setData(group, "sent", String(node.sent));
      setData(group, "received", String(node.received));
      setData(group, "lost", String(node.lost));
      setData(group, "missed", String(node.missed));
      setData(group, "unknown", String(node.unknown));
      setData(group, "lossesKnown", String(node.unsettled.length === 0));
      setData(group, "status", node.status);
      group.classList.toggle("has-losses", node.lost > 0 || node.missed > 0);
      // A process running the learner's own code: marked, and labelled "yours".
      if (node.edited) setData(group, "edited", "true");
      else delete group.dataset.edited;
      view.yours.style.display = node.edited ? "" : "none";
      if (view.queue) this.#drawQueue(view, view.queue, model.traffic.queued(node.id), node.waitingSends.length);
      // Fewer words rather than smaller letters: the first wording that fits the node.
      const room = layout.width - (layout.density === "tiny" ? 8 : 12);
      if (node.external) {
        setData(group, "external", String(node.external.count));
        setText(view.counters, `${node.external.count} connected`);
      } else {
        setText(view.counters, firstThatFits(counterTexts(node), room, FONTS.counters, this.#measure));
      }
      if (view.detail) setText(view.detail, firstThatFits(detailTexts(node, this.#manifest), room, FONTS.detail, this.#measure));
    }
  }

  /** Marks the node a viewer picked, so its actions apply to it. */
  select(nodeId: string | undefined): void {
    this.#selected = nodeId;
    for (const [id, view] of this.#nodes) view.group.classList.toggle("selected", id === nodeId);
  }

  /** Sends a dot along the edge from the message's sender to its receiver. */
  animate(delivery: DeliverEvent): void {
    this.#fly({
      from: delivery.from,
      to: delivery.node,
      label: framePreview(delivery.frames, this.#labelFrame(delivery.from, delivery.node), LABEL_CHARS),
      lost: false,
      payload: delivery,
    });
  }

  /**
   * Shows a message that will never arrive, where it was lost: towards the receiver it was
   * lost for, fading out; or, dropped at its sender (a publisher nobody wanted it from), a
   * short fall out of the sender's socket.
   */
  animateLost(lost: LostEvent): void {
    const frame = lost.to === undefined ? 0 : this.#labelFrame(lost.node, lost.to);
    this.#fly({ from: lost.node, to: lost.to, label: `✗ ${framePreview(lost.frames, frame, LABEL_CHARS - 2)}`, lost: true });
  }

  /** Draws a message standing still `progress` (0–1) of the way along its edge: a still frame (the PDF's). */
  drawInFlight(delivery: DeliverEvent, progress: number): void {
    const label = framePreview(delivery.frames, this.#labelFrame(delivery.from, delivery.node), LABEL_CHARS);
    this.#flights.add(
      { from: delivery.from, to: delivery.node, label, lost: false, payload: delivery },
      this.#clock.time() - progress * TRAVEL_MS,
      { labelAlways: true },
    );
    this.#paintFlights();
  }

  /** Sets the pace of the travel animation; paused, messages in the air stand still. */
  setSpeed(speed: AnimationSpeed): void {
    this.#clock.setSpeed(speed);
    this.element.dataset.speed = speed;
    if (speed === "paused") {
      cancelAnimationFrame(this.#frame);
      this.#frame = 0;
    } else {
      this.#paintFlights();
    }
  }

  get speed(): AnimationSpeed {
    return this.#clock.speed;
  }

  /** Stops all animation and forgets messages in the air. */
  clearFlights(): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.#flights.clear();
    this.#dots.clear();
    this.#flightLayer.replaceChildren();
  }

  /** Stops every animation, timer and observer. */
  destroy(): void {
    this.clearFlights();
    clearInterval(this.#rateTimer);
    this.#rateTimer = undefined;
    this.#resizeObserver?.disconnect();
    this.#resizeObserver = undefined;
  }

  #labelFrame(fromId: string, toId: string): number {
    const edge = edgeBetween(this.#manifest, fromId, toId);
    return edge?.labelFrame ?? edge?.bodyFrame ?? -1;
  }

  #fly(message: { from: string; to: string | undefined; label: string; lost: boolean; payload?: DeliverEvent }): void {
    // The calm view: nothing travels; the counters and the summary's list say what happened.
    if (this.#reducedMotion) return;
    // Paused: what happens meanwhile is counted, not queued up to travel later.
    if (this.#clock.speed === "paused") return;
    // A flowing edge shows its rate, not single messages.
    if (message.to !== undefined && this.#edgeBetween(message.from, message.to)?.view === "flow") return;
    if (!this.#flights.add(message, this.#clock.time())) return;
    this.#paintFlights();
  }

  #pick(flightId: number): void {
    const payload = this.#flights.get(flightId)?.payload;
    if (payload) this.onPickMessage?.(payload);
  }

  /** Draws every flight where it is now, and asks for the next frame while any is on its way. */
  #paintFlights(): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    if (!this.#layout) return;
    const frames = this.#flights.frame(this.#clock.time(), this.#layout, this.#manifest.edges);
    const seen = new Set<number>();
    for (const { flight, x, y, opacity, labelAnchor, labelShown } of frames) {
      seen.add(flight.id);
      let dot = this.#dots.get(flight.id);
      if (!dot) {
        dot = svg("g", {
          class: flight.lost ? "message lost" : "message",
          "data-from": flight.from,
          "data-to": flight.to ?? "",
          "data-flight": flight.id,
        });
        dot.append(
          svg("circle", { r: 7 }),
          text(FONTS.message, { x: labelAnchor === "end" ? -12 : 12, y: 5, "text-anchor": labelAnchor }, flight.label),
        );
        this.#flightLayer.append(dot);
        this.#dots.set(flight.id, dot);
      }
      // Placed before the browser paints it: never a frame at the picture's corner.
      dot.setAttribute("transform", `translate(${x.toFixed(1)} ${y.toFixed(1)})`);
      if (flight.lost) dot.setAttribute("opacity", opacity.toFixed(2));
      // A label giving way is not drawn at all (display, not visibility: the dot alone is what a click aims at).
      const label = dot.lastElementChild as SVGTextElement;
      if (label.hasAttribute("display") === labelShown) {
        if (labelShown) label.removeAttribute("display");
        else label.setAttribute("display", "none");
      }
    }
    for (const [id, dot] of this.#dots) {
      if (seen.has(id)) continue;
      dot.remove();
      this.#dots.delete(id);
    }
    if (frames.length > 0 && this.#clock.speed !== "paused") this.#frame = requestAnimationFrame(() => this.#paintFlights());
  }

  #edgeBetween(a: string, b: string): EdgeLines | undefined {
    return this.#edges.get(`${a}->${b}`) ?? this.#edges.get(`${b}->${a}`);
  }

  /** Each edge's rate and view: dots below the threshold, a flow (thick, moving, with its rate) above. */
  #updateEdges(model: RunModel): void {
    const now = this.#pageNow();
    let moving = false;
    for (const edge of this.#edges.values()) {
      const { from, to, crowded } = edge.layout;
      const { view, rate } = model.traffic.edgeView(from, to, now);
      if (rate > 0 || view === "flow") moving = true;
      edge.view = view;
      setData(edge.group, "view", view);
      setData(edge.group, "rate", String(Math.round(rate)));
      const flowing = view === "flow";
      setText(edge.rate, flowing && showsCountedRates(this.#manifest) ? rateLabel(rate, crowded) : "");
      for (const [lane, sender, receiver] of [
        [edge.forward, from, to],
        [edge.back, to, from],
      ] as const) {
        if (!lane) continue;
        const laneRate = model.traffic.laneRate(sender, receiver, now);
        lane.classList.toggle("busy", flowing && laneRate > 0);
        const width = flowing ? String(laneWidth(laneRate)) : "";
        if (lane.style.strokeWidth !== width) lane.style.strokeWidth = width;
      }
      // Dots already travelling on an edge that turned into a flow give way to it.
      if (flowing) this.#flights.clearEdge(from, to);
    }
    // Rates fall when messages stop, with no event to say so: read them again until all is quiet.
    if (moving && !this.#rateTimer) this.#rateTimer = setInterval(() => this.#model && this.#updateEdges(this.#model), RATE_REFRESH_MS);
    if (!moving && this.#rateTimer) {
      clearInterval(this.#rateTimer);
      this.#rateTimer = undefined;
    }
  }

  /**
   * The messages waiting at a node's sending socket: a small stack of slots and their number.
   * `queued` were sent and not yet received; `waiting` are sends libzmq has not even taken
   * (no peer to take them yet), which wait in the program's own send call.
   */
  #drawQueue(view: NodeView, queue: SVGGElement, queued: number | undefined, waiting: number): void {
    const { group } = view;
    if (queued === undefined && waiting === 0) delete group.dataset.queued;
    else group.dataset.queued = String((queued ?? 0) + waiting);
    if (waiting > 0) group.dataset.sendWaiting = String(waiting);
    else delete group.dataset.sendWaiting;
    const shown = (queued ?? 0) + waiting;
    if (Number(queue.dataset.shown ?? 0) === shown && queue.dataset.waiting === String(waiting)) return;
    queue.dataset.shown = String(shown);
    queue.dataset.waiting = String(waiting);
    const slots = queue.querySelector(".queue-slots")!;
    slots.replaceChildren();
    const label = queue.querySelector("text")!;
    label.textContent = shown > 0 ? shortCount(shown) : "";
    queue.querySelector("title")!.textContent =
      waiting > 0 && !queued
        ? `${waiting} ${waiting === 1 ? "message" : "messages"} waiting to be sent: no peer to take ${waiting === 1 ? "it" : "them"} yet`
        : `${shown} ${shown === 1 ? "message" : "messages"} queued`;
    const up = queue.dataset.up === "true";
    for (let slot = 0; slot < Math.min(QUEUE_SLOTS, shown); slot++) {
      slots.append(
        svg("rect", {
          class: "queue-slot",
          x: queue.dataset.side === "left" ? -20 : 0,
          y: up ? -(slot + 1) * 7 : slot * 7,
          width: 20,
          height: 5,
          rx: 1.5,
        }),
      );
    }
    label.setAttribute("y", up ? "-2" : "14");
  }

  #drawNode(layer: SVGGElement, node: NodeState, placed: NodeLayout): NodeView {
    const { width, height, strip, rows, fonts, density } = placed;
    const group = svg("g", {
      class: `node ${density}`,
      "data-node": node.id,
      "data-role": node.role,
      "data-density": density,
      transform: `translate(${placed.x} ${placed.y})`,
    });
    // Every process is picked by click or keyboard: to inspect it, and to act on it where it allows.
    group.setAttribute("tabindex", "0");
    group.setAttribute("role", "button");
    group.setAttribute("aria-label", `${node.id}: inspect${this.#manifest.roles[node.role]?.actions?.length ? " and act on" : ""} it`);
    const pick = () => this.onSelect?.(node.id);
    group.addEventListener("click", pick);
    group.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      event.stopPropagation();
      pick();
    });
    if (node.id === this.#selected) group.classList.add("selected");
    const middle = width / 2;
    // The strip is rounded on the node's outer corners and square where it meets the body.
    group.append(
      svg("rect", { class: "node-box", width, height, rx: 10 }),
      svg("rect", { class: "socket-strip", y: strip.y, width, height: strip.height, rx: 10 }),
      svg("rect", { class: "socket-strip", y: placed.facesDown ? strip.y : strip.height / 2, width, height: strip.height / 2 }),
      svg("rect", { class: "node-outline", width, height, rx: 10 }),
      text(
        fonts.socket,
        { class: "socket-type", x: middle, y: strip.y + strip.height / 2 + fonts.socket.size * 0.35, "text-anchor": "middle" },
        placed.socket,
      ),
      text(fonts.title, { class: "node-label", x: middle, y: rows.title, "text-anchor": "middle" }, placed.title),
    );
    const detail =
      rows.detail === undefined
        ? undefined
        : text(FONTS.detail, { class: "node-detail", x: middle, y: rows.detail, "text-anchor": "middle" });
    const counters = text(FONTS.counters, { class: "node-counters", x: middle, y: rows.counters, "text-anchor": "middle" });
    if (detail) group.append(detail);
    group.append(counters);
    // In the socket strip's right end, clear of the centred socket type: inside the node, so never cut off.
    const yours = text(
      FONTS.detail,
      { class: "node-yours", x: width - 8, y: strip.y + strip.height / 2 + FONTS.detail.size * 0.35, "text-anchor": "end" },
      "yours",
    );
    yours.setAttribute("aria-label", "runs your code");
    yours.style.display = "none";
    group.append(yours);
    let queue: SVGGElement | undefined;
    if (placed.queue) {
      // Out of the socket, beside its lanes, growing away from the node.
      const left = placed.queue.side === "left";
      queue = svg("g", {
        class: "queue",
        transform: `translate(${placed.queue.x} ${placed.queue.y})`,
        "data-up": String(placed.queue.up),
        "data-side": placed.queue.side,
      });
      queue.append(
        svg("title"),
        svg("g", { class: "queue-slots" }),
        text(FONTS.queue, { x: left ? -26 : 26, "text-anchor": left ? "end" : "start" }),
      );
      group.append(queue);
    }
    layer.append(group);
    return { layout: placed, group, counters, detail, queue, yours };
  }

  #drawEdge(layer: SVGGElement, edge: EdgeLayout): void {
    const group = svg("g", { class: "edge", "data-edge": edge.key, "data-view": "dots", "data-rate": "0" });
    const laneOf = ({ from, to }: { from: { x: number; y: number }; to: { x: number; y: number } }) =>
      svg("line", { class: "lane", x1: from.x, y1: from.y, x2: to.x, y2: to.y, "marker-end": `url(#${this.#arrowId})` });
    const forward = laneOf(edge.forward);
    const back = edge.back ? laneOf(edge.back) : undefined;
    group.append(forward, ...(back ? [back] : []));
    for (const label of edge.labels)
      group.append(text(label.font, { class: "edge-label", x: label.x, y: label.y, "text-anchor": label.anchor }, label.text));
    const rateText = text(FONTS.rate, {
      class: edge.crowded ? "edge-rate crowded" : "edge-rate",
      x: edge.rate.x,
      y: edge.rate.y,
      "text-anchor": "start",
    });
    group.append(rateText);
    layer.append(group);
    this.#edges.set(edge.key, { layout: edge, group, forward, back, rate: rateText, view: "dots" });
  }
}
