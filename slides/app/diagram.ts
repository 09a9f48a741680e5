/**
 * The SVG picture of a demo: its processes as the talk draws them (rows from top to bottom,
 * each node with its socket type on the side that faces its peers), the lines between them,
 * and every delivered message travelling from its real sender to its real receiver.
 * It draws a RunModel and animates deliveries; it holds no state of the run itself.
 */
import { prefersReducedMotion } from "./live-summary.js";
import { type DemoManifest, edgeBetween } from "../../demos/lib/manifest.js";
import type { DeliverEvent, LostEvent } from "../../server/protocol.js";
import { EXTERNAL_ROLE, type NodeState, type RunModel } from "./run-model.js";
import type { EdgeView } from "./traffic.js";

const SVG = "http://www.w3.org/2000/svg";
/** Horizontal room per node in the widest row; a row of one still gets room for its labels. */
const COLUMN_WIDTH = 250;
const MIN_WIDTH = 460;
const NODE_WIDTH = 190;
const NODE_WIDTH_FULL = NODE_WIDTH;
const NODE_HEIGHT = 92;
const ROW_GAP = 130;
/** A row with more nodes than this draws them compact, and on two lines beyond LINE_CAPACITY. */
const CROWDED = 5;
const LINE_CAPACITY = 8;
const COMPACT_WIDTH = 128;
const COMPACT_COLUMN = 142;
const LINE_GAP = 26;
const MARGIN = 16;
/** Horizontal offset of the two lanes of an edge: forward on the left, back on the right. */
const LANE_OFFSET = 14;
/** How long one message takes to cross the picture. A display choice: real delivery is faster. */
export const TRAVEL_MS = 650;
/** Above this many messages in the air, new ones are counted but not drawn travelling. */
const MAX_FLIGHTS = 48;
/** Slow motion: travel takes this many times longer. */
export const SLOW_FACTOR = 4;
/** How often rates are read again while something flows, so a quiet edge returns to dots. */
const RATE_REFRESH_MS = 250;
/** A queue is drawn as at most this many slots; the number says the rest. */
const QUEUE_SLOTS = 6;

/** How the travel animation runs: at its normal pace, four times slower, or not at all. */
export type AnimationSpeed = "normal" | "slow" | "paused";
const SPEED_FACTOR: Record<AnimationSpeed, number> = { normal: 1, slow: 1 / SLOW_FACTOR, paused: 0 };

interface Point {
  x: number;
  y: number;
}

interface NodeView {
  group: SVGGElement;
  /** Drawn small, in a crowded row: shorter texts. */
  compact: boolean;
  counters: SVGTextElement;
  detail: SVGTextElement;
  /** The stack of messages waiting at the node's socket, beside its socket strip. */
  queue: SVGGElement;
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
  /** A lost message sets off and fades out halfway: it never arrives. */
  lost: boolean;
}

/** One line between two processes: its lanes (forward, and back when two-way) and its rate. */
interface EdgeLines {
  group: SVGGElement;
  from: string;
  to: string;
  forward: SVGLineElement;
  back: SVGLineElement | undefined;
  rate: SVGTextElement;
  view: EdgeView;
  /** Edges that share its busier end (a fan of lines): its rate then says "/s", not "msg/s". */
  crowded: boolean;
  /** Where it leaves its sender's node and meets its receiver's. */
  start: Point;
  end: Point;
}

/** A lane's thickness at `rate` messages a second: grows with the order of magnitude. */
function laneWidth(rate: number): number {
  return rate <= 0 ? 2 : Math.min(12, 2 + 2 * Math.log10(1 + rate / 10));
}

/** How far along its way a lost message fades out. */
const LOST_AT = 0.55;

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

/** The least time between two labelled dots leaving one sender: closer, their labels overlap. */
const LABEL_SPACING_MS = 220;
/** How far (px, before LOST_AT) a message dropped at its sender falls from its socket. */
const DROP_FALL = 90;

function svg<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/**
 * A subscription frame (1 or 0, then a prefix; shown in hex as it is not text) as the talk
 * writes it: "+weather", "−weather", "+(all)". Undefined for anything else.
 */
function subscriptionLabel(hex: string): string | undefined {
  const match = /^0([01])((?:[0-9a-f]{2})*)$/.exec(hex);
  if (!match) return undefined;
  const prefix = match[2]!.replace(/../g, (byte) => String.fromCharCode(parseInt(byte, 16)));
  if (/[^\x20-\x7e]/.test(prefix)) return undefined;
  return `${match[1] === "1" ? "+" : "−"}${prefix || "(all)"}`;
}

/** A message's label: the edge's chosen frame, by default the last (the first may be an identity). */
function label(delivery: DeliverEvent, frame: number): string {
  const body = delivery.frames.at(frame) ?? delivery.frames.at(-1);
  if (!body) return "∅";
  const text = body.binary ? (subscriptionLabel(body.text) ?? `0x${body.text}`) : body.text;
  return text.length > 14 ? `${text.slice(0, 13)}…` : text;
}

let diagramCount = 0;

const counting = new Intl.NumberFormat("en");
const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

function count(value: number): string {
  return value < 100_000 ? counting.format(value) : compact.format(value);
}

/** An edge's rate, as its label says it. */
function rateLabel(perSecond: number, crowded: boolean): string {
  return `${compact.format(Math.round(perSecond))}${crowded ? "/s" : " msg/s"}`;
}

/** A node's message rate, shown once it is past what single dots can show. */
function rate(node: NodeState): string {
  const perSecond = node.sendRate + node.receiveRate;
  return perSecond >= 50 ? ` · ${compact.format(Math.round(perSecond))} msg/s` : "";
}

export class DiagramView {
  readonly element: SVGSVGElement;
  readonly #manifest: DemoManifest;
  readonly #nodes = new Map<string, NodeView>();
  readonly #flightLayer: SVGGElement;
  readonly #flights = new Set<Flight>();
  readonly #edges = new Map<string, EdgeLines>();
  #frame = 0;
  #speed: AnimationSpeed = "normal";
  /** The animation's own clock: page time, slowed or stopped as the viewer chose. */
  #clockBase = 0;
  #clockSetAt = 0;
  #model: RunModel | undefined;
  #rateTimer: ReturnType<typeof setInterval> | undefined;
  /** Marker ids are page-wide, so each diagram gets its own. */
  readonly #arrowId = `arrow-${++diagramCount}`;
  readonly #reducedMotion = prefersReducedMotion();
  /** Called when a viewer picks a node (click, Enter or Space on it). */
  onSelect: ((nodeId: string) => void) | undefined;
  /**
   * Called when a viewer clicks a travelling (or paused) message. The keyboard's way to the
   * same message is the inspector's list of latest messages.
   */
  onPickMessage: ((delivery: DeliverEvent) => void) | undefined;
  /** When (on the animation's clock) each sender last sent off a labelled dot. */
  readonly #lastLabelAt = new Map<string, number>();
  /** The message each dot in the air stands for. */
  readonly #deliveryOf = new WeakMap<Element, DeliverEvent>();
  #selected: string | undefined;
  #layoutVersion = -1;

  constructor(manifest: DemoManifest) {
    this.#manifest = manifest;
    this.element = svg("svg", { class: "diagram", role: "img", "aria-label": `${manifest.title}: diagram of the processes and their messages` });
    // Travelling dots are a picture of what the live summary says in words; their click is a
    // shortcut to what the inspector's list of latest messages offers to the keyboard.
    this.#flightLayer = svg("g", { class: "flights", "aria-hidden": "true" });
    this.#flightLayer.addEventListener("click", (event) => {
      const dot = (event.target as Element).closest(".message");
      const delivery = dot ? this.#deliveryOf.get(dot) : undefined;
      if (delivery) this.onPickMessage?.(delivery);
    });
    this.element.dataset.speed = this.#speed;
  }

  /** Lays the picture out for the model's nodes; called again when the set of nodes changes. */
  render(model: RunModel): void {
    this.destroy();
    this.element.replaceChildren();
    this.#nodes.clear();
    this.#edges.clear();
    this.#layoutVersion = model.layoutVersion;
    // A row lists roles in order; "" leaves a column empty, so rows of different length line up.
    const rows: (NodeState | null)[][] = this.#manifest.layout.map((roles) =>
      roles.flatMap((role) => (role === "" ? [null] : [...model.nodes.values()].filter((node) => node.role === role))),
    );
    // Peers from outside the run stand in the row of the run's own peers of their binder.
    for (const node of model.nodes.values()) {
      if (node.role !== EXTERNAL_ROLE || !node.external) continue;
      const binderRole = model.nodes.get(node.external.binder)?.role;
      const peerRole = this.#manifest.edges.find((edge) => edge.from === binderRole || edge.to === binderRole);
      const partner = peerRole ? (peerRole.from === binderRole ? peerRole.to : peerRole.from) : undefined;
      const row = this.#manifest.layout.findIndex((roles) => partner !== undefined && roles.includes(partner));
      rows[row === -1 ? rows.length - 1 : row]!.push(node);
    }
    // Each row becomes one line of nodes, or two when crowded (a second, offset by half a
    // column, so lines to the far row pass between the nodes of the first).
    const lines = rows.flatMap((nodes, row) => {
      const compact = nodes.length > CROWDED;
      const count = nodes.length > LINE_CAPACITY ? 2 : 1;
      const size = Math.ceil(nodes.length / count);
      return Array.from({ length: count }, (_, line) => ({ row, compact, line, count, nodes: nodes.slice(line * size, (line + 1) * size) }));
    });
    const height = MARGIN * 2 + lines.length * NODE_HEIGHT + (rows.length - 1) * ROW_GAP + (lines.length - rows.length) * LINE_GAP;
    const width = Math.max(MIN_WIDTH, ...lines.map(({ nodes, compact }) => (compact ? COMPACT_COLUMN : COLUMN_WIDTH) * (nodes.length + 0.5)));
    this.element.setAttribute("viewBox", `0 0 ${width} ${height}`);

    const rowOfRole = new Map<string, number>();
    this.#manifest.layout.forEach((roles, row) => roles.forEach((role) => rowOfRole.set(role, row)));
    const edgeLayer = svg("g", { class: "edges" });
    const nodeLayer = svg("g", { class: "nodes" });

    let y = MARGIN;
    lines.forEach(({ row, compact, line, count, nodes }, index) => {
      if (index > 0) y += lines[index - 1]!.row === row ? LINE_GAP : ROW_GAP;
      const nodeWidth = compact ? COMPACT_WIDTH : NODE_WIDTH;
      // Two lines share the width with half a column to spare, the second starting half a column in.
      const column = count === 1 ? width / nodes.length : width / (nodes.length + 0.5);
      const shift = count === 1 || line === 0 ? 0 : column / 2;
      nodes.forEach((node, position) => {
        if (!node) return;
        const x = column * (position + 0.5) + shift - nodeWidth / 2;
        const facesDown = this.#manifest.edges.some((edge) => [edge.from, edge.to].includes(node.role) && (rowOfRole.get(edge.from === node.role ? edge.to : edge.from) ?? 0) > row);
        this.#nodes.set(node.id, this.#drawNode(nodeLayer, node, x, y, facesDown, compact));
      });
      y += NODE_HEIGHT;
    });

    for (const node of model.nodes.values()) {
      if (node.external) this.#drawEdge(edgeLayer, node.external.binder, node.id);
    }
    for (const edge of this.#manifest.edges) {
      // One label per edge of the pattern, on its first line: repeated, they would overlap.
      let labelled = false;
      for (const from of model.nodes.values()) {
        if (from.role !== edge.from) continue;
        for (const to of model.nodes.values()) {
          if (to.role !== edge.to) continue;
          if (labelled) this.#drawEdge(edgeLayer, from.id, to.id, undefined, undefined, edge.backLabel !== undefined);
          else this.#drawEdge(edgeLayer, from.id, to.id, edge.forwardLabel, edge.backLabel);
          labelled = true;
        }
      }
    }
    this.#placeRates();
    const arrow = svg("marker", { id: this.#arrowId, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 14, markerHeight: 14, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" });
    arrow.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow-head" }));
    const defs = svg("defs");
    defs.append(arrow);
    this.element.append(defs, edgeLayer, nodeLayer, this.#flightLayer);
    this.update(model);
  }

  /** Brings every node's counters, pid and status up to date with the model. */
  update(model: RunModel): void {
    if (model.layoutVersion !== this.#layoutVersion) {
      this.render(model);
      return;
    }
    this.#model = model;
    this.#updateEdges(model);
    for (const node of model.nodes.values()) {
      const view = this.#nodes.get(node.id);
      if (!view) continue;
      const { group } = view;
      setData(group, "pid", node.pid === undefined ? "" : String(node.pid));
      setData(group, "sent", String(node.sent));
      setData(group, "received", String(node.received));
      setData(group, "lost", String(node.lost));
      setData(group, "missed", String(node.missed));
      setData(group, "unknown", String(node.unknown));
      setData(group, "lossesKnown", String(node.unsettled.length === 0));
      setData(group, "status", node.status);
      group.classList.toggle("has-losses", node.lost > 0 || node.missed > 0);
      this.#drawQueue(view, model.traffic.queued(node.id), node.waitingSends.length);
      if (node.external) {
        setData(group, "external", String(node.external.count));
        setText(view.counters, `${node.external.count} connected`);
        setText(view.detail, "seen by the socket monitor");
        continue;
      }
      // Counting in flows and still busy: what its edge loses is settled only once it is quiet.
      const pending = node.unsettled.length > 0 ? "losses ?" : "";
      const losses = [node.lost > 0 ? `lost ${node.lost}` : "", node.missed > 0 ? `missed ${node.missed}` : "", node.unknown > 0 ? `not known ${count(node.unknown)}` : "", pending].filter(Boolean);
      // A process killed before it reported its last counts: at least this many.
      const sent = `${node.uncounted.includes("sent") ? "≥" : ""}${count(node.sent)}`;
      const received = `${node.uncounted.includes("received") ? "≥" : ""}${count(node.received)}`;
      // With losses the line says more, so "received" gives way to "recv" to stay inside the box.
      if (view.compact) {
        // Small nodes: the counts, and losses as one figure; the attributes keep them apart.
        const lostOrMissed = node.lost + node.missed;
        setText(view.counters, [`sent ${sent}`, `recv ${received}`, ...(lostOrMissed > 0 ? [`✗ ${lostOrMissed}`] : []), ...(node.unknown > 0 ? [`? ${count(node.unknown)}`] : []), ...(pending ? ["✗ ?"] : [])].join(" · "));
      } else {
        setText(view.counters, [`sent ${sent}`, `${losses.length > 0 ? "recv" : "received"} ${received}`, ...losses].join(" · "));
      }
      setText(view.detail, this.#detail(node));
    }
  }

  /** Marks the node a viewer picked, so its actions apply to it. */
  select(nodeId: string | undefined): void {
    this.#selected = nodeId;
    for (const [id, view] of this.#nodes) view.group.classList.toggle("selected", id === nodeId);
  }

  #detail(node: NodeState): string {
    if (node.filters.length > 0 && node.status === "running") {
      return `pid ${node.pid} · ${node.filters.map((filter) => (filter === "" ? "everything" : `"${filter}"`)).join(", ")}`;
    }
    if (node.status === "planned") return "not running";
    if (node.status === "exited") return `pid ${node.pid} · exited (${node.exitSignal ?? `code ${node.exitCode}`})`;
    return `pid ${node.pid}${rate(node)}`;
  }

  /** Sends a dot along the edge from the message's sender to its receiver. */
  animate(delivery: DeliverEvent): void {
    const dot = this.#fly(delivery.from, delivery.node, label(delivery, this.#labelFrame(delivery.from, delivery.node)), false);
    if (dot) this.#deliveryOf.set(dot, delivery);
  }

  /**
   * Shows a message that will never arrive, where it was lost: towards the receiver it was
   * lost for, fading out; or, dropped at its sender (a publisher nobody wanted it from), a
   * short fall out of the sender's socket.
   */
  animateLost(lost: LostEvent): void {
    const frame = lost.frames.at(lost.to === undefined ? 0 : this.#labelFrame(lost.node, lost.to)) ?? lost.frames.at(-1);
    const text = frame ? (frame.binary ? `0x${frame.text}` : frame.text) : "∅";
    this.#fly(lost.node, lost.to, `✗ ${text.length > 12 ? `${text.slice(0, 11)}…` : text}`, true);
  }

  #labelFrame(fromId: string, toId: string): number {
    const edge = edgeBetween(this.#manifest, fromId, toId);
    return edge?.labelFrame ?? edge?.bodyFrame ?? -1;
  }

  /** Sets a message travelling; returns its dot, if one is drawn. */
  #fly(fromId: string, toId: string | undefined, text: string, lost: boolean): Element | undefined {
    // The calm view: nothing travels; the counters and the summary's list say what happened.
    if (this.#flights.size >= MAX_FLIGHTS || this.#reducedMotion) return undefined;
    // Paused: what happens meanwhile is counted, not queued up to travel later.
    if (this.#speed === "paused") return undefined;
    // A flowing edge shows its rate, not single messages.
    if (toId !== undefined && this.#edgeBetween(fromId, toId)?.view === "flow") return undefined;
    // Labels leave one sender no closer than LABEL_SPACING_MS apart, so they can be read; the
    // dots in between fly unlabelled (the counters and the inspector have every one).
    const now = this.#clock();
    const labelled = now - (this.#lastLabelAt.get(fromId) ?? -Infinity) >= LABEL_SPACING_MS;
    const flight = this.#messageDot(fromId, toId, labelled ? text : "", lost);
    if (!flight) return undefined;
    if (labelled) this.#lastLabelAt.set(fromId, now);
    this.#flights.add({ ...flight, start: now });
    this.#frame ||= requestAnimationFrame(() => this.#step());
    return flight.element;
  }

  /** Sets the pace of the travel animation; paused, messages in the air stand still. */
  setSpeed(speed: AnimationSpeed): void {
    this.#clockBase = this.#clock();
    this.#clockSetAt = performance.now();
    this.#speed = speed;
    this.element.dataset.speed = speed;
    if (speed === "paused") {
      cancelAnimationFrame(this.#frame);
      this.#frame = 0;
    } else if (this.#flights.size > 0) {
      this.#frame ||= requestAnimationFrame(() => this.#step());
    }
  }

  get speed(): AnimationSpeed {
    return this.#speed;
  }

  /** The animation's time now, in ms: it runs slower in slow motion and stands still when paused. */
  #clock(): number {
    return this.#clockBase + (performance.now() - this.#clockSetAt) * SPEED_FACTOR[this.#speed];
  }

  #edgeBetween(a: string, b: string): EdgeLines | undefined {
    return this.#edges.get(`${a}->${b}`) ?? this.#edges.get(`${b}->${a}`);
  }

  /** Each edge's rate and view: dots below the threshold, a flow (thick, moving, with its rate) above. */
  #updateEdges(model: RunModel): void {
    const now = performance.now();
    let moving = false;
    for (const edge of this.#edges.values()) {
      const { view, rate } = model.traffic.edgeView(edge.from, edge.to, now);
      if (rate > 0 || view === "flow") moving = true;
      edge.view = view;
      setData(edge.group, "view", view);
      setData(edge.group, "rate", String(Math.round(rate)));
      const flowing = view === "flow";
      setText(edge.rate, flowing ? rateLabel(rate, edge.crowded) : "");
      for (const [lane, from, to] of [
        [edge.forward, edge.from, edge.to],
        [edge.back, edge.to, edge.from],
      ] as const) {
        if (!lane) continue;
        const laneRate = model.traffic.laneRate(from, to, now);
        lane.classList.toggle("busy", flowing && laneRate > 0);
        const width = flowing ? String(laneWidth(laneRate)) : "";
        if (lane.style.strokeWidth !== width) lane.style.strokeWidth = width;
      }
      // Dots already travelling on an edge that turned into a flow give way to it.
      if (flowing) {
        for (const flight of this.#flights) {
          const { from, to } = flight.element.dataset;
          if ((from === edge.from && to === edge.to) || (from === edge.to && to === edge.from)) {
            flight.element.remove();
            this.#flights.delete(flight);
          }
        }
      }
    }
    // Rates fall when messages stop, with no event to say so: read them again until all is quiet.
    if (moving && !this.#rateTimer) this.#rateTimer = setInterval(() => this.#model && this.#updateEdges(this.#model), RATE_REFRESH_MS);
    if (!moving && this.#rateTimer) {
      clearInterval(this.#rateTimer);
      this.#rateTimer = undefined;
    }
  }

  /** The messages waiting at a node's sending socket: a small stack of slots and their number. */
  /**
   * The messages waiting at a node's sending socket: a small stack of slots and their number.
   * `queued` were sent and not yet received; `waiting` are sends libzmq has not even taken
   * (no peer to take them yet), which wait in the program's own send call.
   */
  #drawQueue(view: NodeView, queued: number | undefined, waiting: number): void {
    const { group, queue } = view;
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
    label.textContent = shown > 0 ? count(shown) : "";
    queue.querySelector("title")!.textContent =
      waiting > 0 && !queued ? `${waiting} ${waiting === 1 ? "message" : "messages"} waiting to be sent: no peer to take ${waiting === 1 ? "it" : "them"} yet` : `${shown} ${shown === 1 ? "message" : "messages"} queued`;
    const up = queue.dataset.up === "true";
    for (let slot = 0; slot < Math.min(QUEUE_SLOTS, shown); slot++) {
      slots.append(svg("rect", { class: "queue-slot", x: 0, y: up ? -(slot + 1) * 7 : slot * 7 + 1, width: 20, height: 5, rx: 1.5 }));
    }
    const height = Math.min(QUEUE_SLOTS, shown) * 7;
    label.setAttribute("y", String(up ? -height - 5 : height + 14));
  }

  /** A node the sender's messages go to (by the manifest's edges), to know which way is out of its socket. */
  #downstreamOf(fromId: string): NodeView | undefined {
    const role = fromId.slice(0, fromId.lastIndexOf("-"));
    const receiverRoles = new Set(this.#manifest.edges.filter((edge) => edge.from === role).map((edge) => edge.to));
    for (const [id, view] of this.#nodes) if (receiverRoles.has(id.slice(0, id.lastIndexOf("-")))) return view;
    return undefined;
  }

  /** Draws a message standing still `progress` (0–1) of the way along its edge: a still frame. */
  drawInFlight(delivery: DeliverEvent, progress: number): void {
    const flight = this.#messageDot(delivery.from, delivery.node, label(delivery, this.#labelFrame(delivery.from, delivery.node)), false);
    if (flight) this.#place(flight, progress);
  }

  /** A dot for one message, on the lane it travels: forward on the left going down, back on the right going up, as the talk draws it. */
  #messageDot(fromId: string, toId: string | undefined, text: string, lost: boolean): Omit<Flight, "start"> | undefined {
    const sender = this.#nodes.get(fromId);
    // No receiver: dropped at the sender, so it falls a little way towards where its receivers would be.
    const receiver = toId === undefined ? this.#downstreamOf(fromId) : this.#nodes.get(toId);
    if (!sender || !receiver) return undefined;
    const downwards = receiver.center.y > sender.center.y;
    const offset = downwards ? -LANE_OFFSET : LANE_OFFSET;
    const from = downwards ? { x: sender.bottom.x + offset, y: sender.bottom.y } : { x: sender.top.x + offset, y: sender.top.y };
    const to =
      toId === undefined
        ? { x: from.x, y: from.y + (downwards ? DROP_FALL : -DROP_FALL) }
        : downwards
          ? { x: receiver.top.x + offset, y: receiver.top.y }
          : { x: receiver.bottom.x + offset, y: receiver.bottom.y };
    const element = svg("g", { class: lost ? "message lost" : "message", "data-from": fromId, "data-to": toId ?? "" });
    element.append(svg("circle", { r: 7 }), svg("text", { x: downwards ? -12 : 12, y: 4, "text-anchor": downwards ? "end" : "start" }, text));
    this.#flightLayer.append(element);
    return { element, from, to, lost };
  }

  /** Puts a message `progress` (0–1) of the way along; a lost one fades and stops short. */
  #place(flight: Omit<Flight, "start">, progress: number): void {
    const eased = (progress < 0.5 ? 2 * progress * progress : 1 - (-2 * progress + 2) ** 2 / 2) * (flight.lost ? LOST_AT : 1);
    if (flight.lost) flight.element.setAttribute("opacity", String(1 - progress));
    const x = flight.from.x + (flight.to.x - flight.from.x) * eased;
    const y = flight.from.y + (flight.to.y - flight.from.y) * eased;
    flight.element.setAttribute("transform", `translate(${x.toFixed(1)} ${y.toFixed(1)})`);
  }

  /** Stops all animation and forgets messages in the air. */
  destroy(): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    clearInterval(this.#rateTimer);
    this.#rateTimer = undefined;
    for (const flight of this.#flights) flight.element.remove();
    this.#flights.clear();
    this.#flightLayer.replaceChildren();
  }

  #step(): void {
    this.#frame = 0;
    if (this.#speed === "paused") return;
    const now = this.#clock();
    for (const flight of this.#flights) {
      const progress = Math.min(1, (now - flight.start) / TRAVEL_MS);
      this.#place(flight, progress);
      if (progress >= 1) {
        flight.element.remove();
        this.#flights.delete(flight);
      }
    }
    this.#frame = this.#flights.size > 0 ? requestAnimationFrame(() => this.#step()) : 0;
  }

  #drawNode(layer: SVGGElement, node: NodeState, x: number, y: number, facesDown: boolean, compact: boolean): NodeView {
    const NODE_WIDTH = compact ? COMPACT_WIDTH : NODE_WIDTH_FULL;
    const spec = this.#manifest.roles[node.role] ?? { label: "From outside the run", socket: "peer", count: { default: 1, max: 1 } };
    const group = svg("g", { class: compact ? "node compact" : "node", "data-node": node.id, "data-role": node.role, transform: `translate(${x} ${y})` });
    // Every process is picked by click or keyboard: to inspect it, and to act on it where it allows.
    {
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
    }
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
    const title = spec.count.default > 1 || spec.count.max > 1 ? `${spec.label} ${node.index}` : spec.label;
    group.append(svg("text", { class: "node-label", x: NODE_WIDTH / 2, y: bodyY + 22, "text-anchor": "middle" }, title));
    const detail = svg("text", { class: "node-detail", x: NODE_WIDTH / 2, y: bodyY + 40, "text-anchor": "middle" });
    const counters = svg("text", { class: "node-counters", x: NODE_WIDTH / 2, y: bodyY + 58, "text-anchor": "middle" });
    group.append(detail, counters);
    // Beside the socket strip, growing away from it: towards the node's middle.
    const queue = svg("g", { class: "queue", transform: `translate(${NODE_WIDTH + 6} ${facesDown ? NODE_HEIGHT : 0})`, "data-up": String(facesDown) });
    queue.append(svg("title"), svg("g", { class: "queue-slots" }), svg("text", { x: 0, "text-anchor": "start" }));
    group.append(queue);
    layer.append(group);
    return {
      group,
      compact,
      counters,
      detail,
      queue,
      center: { x: x + NODE_WIDTH / 2, y: y + NODE_HEIGHT / 2 },
      bottom: { x: x + NODE_WIDTH / 2, y: y + NODE_HEIGHT },
      top: { x: x + NODE_WIDTH / 2, y },
    };
  }

  #drawEdge(layer: SVGGElement, fromId: string, toId: string, forwardLabel?: string, backLabel?: string, twoWay = backLabel !== undefined): void {
    const from = this.#nodes.get(fromId);
    const to = this.#nodes.get(toId);
    if (!from || !to) return;
    const downwards = to.center.y > from.center.y;
    const start = downwards ? from.bottom : from.top;
    const end = downwards ? to.top : to.bottom;
    const group = svg("g", { class: "edge", "data-edge": `${fromId}->${toId}`, "data-view": "dots", "data-rate": "0" });
    const lanes: SVGLineElement[] = [];
    for (const [offset, text, towards] of [
      [-LANE_OFFSET, forwardLabel, end],
      [LANE_OFFSET, backLabel, start],
    ] as const) {
      if (offset > 0 && !twoWay) continue;
      const away = towards === end ? start : end;
      // Stop short of the node so the arrow head is not hidden under it.
      const inset = Math.sign(towards.y - away.y) * 3;
      const lane = svg("line", { class: "lane", x1: away.x + offset, y1: away.y + inset, x2: towards.x + offset, y2: towards.y - inset, "marker-end": `url(#${this.#arrowId})` });
      lanes.push(lane);
      group.append(lane);
      if (text) {
        const middle = { x: (start.x + end.x) / 2 + offset * 2, y: (start.y + end.y) / 2 + 5 };
        group.append(svg("text", { class: "edge-label", x: middle.x, y: middle.y, "text-anchor": offset < 0 ? "end" : "start" }, `"${text}"`));
      }
    }
    const rate = svg("text", { class: "edge-rate", "text-anchor": "start" });
    group.append(rate);
    layer.append(group);
    this.#edges.set(`${fromId}->${toId}`, { group, from: fromId, to: toId, forward: lanes[0]!, back: lanes[1], rate, view: "dots", crowded: false, start, end });
  }

  /** Once every edge is drawn: each rate label near the spread-out end of its fan. */
  #placeRates(): void {
    const ends = new Map<string, number>();
    for (const edge of this.#edges.values()) for (const id of [edge.from, edge.to]) ends.set(id, (ends.get(id) ?? 0) + 1);
    for (const edge of this.#edges.values()) {
      const { start, end } = edge;
      const fromShared = ends.get(edge.from)!;
      const toShared = ends.get(edge.to)!;
      // The hub is the end more lines share; the label goes towards the other end.
      const along = fromShared > toShared ? 0.72 : toShared > fromShared ? 0.28 : 0.6;
      edge.crowded = Math.max(fromShared, toShared) > 3;
      edge.rate.setAttribute("x", String(start.x + (end.x - start.x) * along + LANE_OFFSET + 12));
      edge.rate.setAttribute("y", String(start.y + (end.y - start.y) * along + 5));
      edge.rate.classList.toggle("crowded", edge.crowded);
    }
  }
}
