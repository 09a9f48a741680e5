/**
 * What is in the air on a diagram, as data: each message on its way (from whom, to whom, when
 * it set off on the animation's clock, its label), the clock itself (normal, slow, paused), and
 * where everything is at a given time — a position is a function of time and layout, as in
 * RaftScope, not state kept in the picture. The painter (diagram.ts) only draws the frames this
 * computes. Pure: no DOM.
 *
 * Labels give way: a message's label is drawn only where it covers no node, no edge label or
 * rate, no other message's label and does not leave the picture; the dot itself always flies.
 */
import type { DiagramLayout, Point } from "./diagram-layout.js";
import { LANE_OFFSET } from "./diagram-layout.js";
import { FONTS, type Rect, type TextMeasure, inside, overlaps, textRect } from "./diagram-text.js";

/** How the travel animation runs: at its normal pace, four times slower, or not at all. */
export type AnimationSpeed = "normal" | "slow" | "paused";
/** How long one message takes to cross the picture. A display choice: real delivery is faster. */
export const TRAVEL_MS = 650;
/** Slow motion: travel takes this many times longer. */
export const SLOW_FACTOR = 4;
const SPEED_FACTOR: Record<AnimationSpeed, number> = { normal: 1, slow: 1 / SLOW_FACTOR, paused: 0 };
/** Above this many messages in the air, new ones are counted but not drawn travelling. */
export const MAX_FLIGHTS = 48;
/** The least time between two labelled dots leaving one sender: closer, their labels would overlap. */
const LABEL_SPACING_MS = 220;
/** How far along its way a lost message fades out. */
const LOST_AT = 0.55;
/** How far (px) a message dropped at its sender falls from its socket. */
const DROP_FALL = 90;
/** The label's distance from its dot's centre. */
const LABEL_OFFSET = 12;

/** The animation's own clock: page time, slowed or stopped as the viewer chose. */
export class AnimationClock {
  readonly #pageNow: () => number;
  #speed: AnimationSpeed = "normal";
  #base = 0;
  #setAt: number;

  constructor(pageNow: () => number) {
    this.#pageNow = pageNow;
    this.#setAt = pageNow();
  }

  get speed(): AnimationSpeed {
    return this.#speed;
  }

  /** The animation's time now, in ms: slower in slow motion, standing still when paused. */
  time(): number {
    return this.#base + (this.#pageNow() - this.#setAt) * SPEED_FACTOR[this.#speed];
  }

  setSpeed(speed: AnimationSpeed): void {
    this.#base = this.time();
    this.#setAt = this.#pageNow();
    this.#speed = speed;
  }
}

/** One message on its way. `payload` is what a click on it opens (the delivery); none for a lost one. */
export interface Flight<Payload> {
  id: number;
  from: string;
  /** Its receiver; none when it was dropped at the sender. */
  to: string | undefined;
  start: number;
  label: string;
  lost: boolean;
  payload: Payload | undefined;
}

/** Where a flight is drawn at one moment. */
export interface FlightFrame<Payload> {
  flight: Flight<Payload>;
  x: number;
  y: number;
  opacity: number;
  /** Which side of the dot its label goes, and whether it is drawn this frame. */
  labelAnchor: "start" | "end";
  labelShown: boolean;
}

/** The path a message takes: forward lanes on the left going down, back lanes on the right going up, as the talk draws them. */
export function flightPath(
  layout: DiagramLayout,
  manifestEdges: { from: string; to: string }[],
  fromId: string,
  toId: string | undefined,
): { from: Point; to: Point; downwards: boolean } | undefined {
  const sender = layout.nodes.get(fromId);
  // Dropped at the sender: it falls a little way towards where its receivers would be.
  const receiver = toId === undefined ? downstreamOf(layout, manifestEdges, fromId) : layout.nodes.get(toId);
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
  return { from, to, downwards };
}

/** A node the sender's messages go to (by the manifest's edges), to know which way is out of its socket. */
function downstreamOf(layout: DiagramLayout, manifestEdges: { from: string; to: string }[], fromId: string) {
  const role = layout.nodes.get(fromId)?.role;
  const receiverRoles = new Set(manifestEdges.filter((edge) => edge.from === role).map((edge) => edge.to));
  for (const node of layout.nodes.values()) if (receiverRoles.has(node.role)) return node;
  return undefined;
}

function eased(progress: number): number {
  return progress < 0.5 ? 2 * progress * progress : 1 - (-2 * progress + 2) ** 2 / 2;
}

export class FlightBoard<Payload> {
  readonly #flights = new Map<number, Flight<Payload>>();
  readonly #measure: TextMeasure;
  readonly #labelWidths = new Map<string, number>();
  /** When (on the animation's clock) each sender last sent off a labelled dot. */
  readonly #lastLabelAt = new Map<string, number>();
  #nextId = 1;

  constructor(measure: TextMeasure) {
    this.#measure = measure;
  }

  get size(): number {
    return this.#flights.size;
  }

  get(id: number): Flight<Payload> | undefined {
    return this.#flights.get(id);
  }

  /**
   * Sets a message off at `time`; returns it, or undefined when too many are in the air.
   * Labels leave one sender no closer than LABEL_SPACING_MS apart, so they can be read; the
   * dots in between fly unlabelled (the counters and the inspector have every one).
   */
  add(
    message: { from: string; to: string | undefined; label: string; lost: boolean; payload?: Payload },
    time: number,
    { labelAlways = false } = {},
  ): Flight<Payload> | undefined {
    if (this.#flights.size >= MAX_FLIGHTS) return undefined;
    const labelled = labelAlways || time - (this.#lastLabelAt.get(message.from) ?? Number.NEGATIVE_INFINITY) >= LABEL_SPACING_MS;
    if (labelled) this.#lastLabelAt.set(message.from, time);
    const flight: Flight<Payload> = {
      id: this.#nextId++,
      from: message.from,
      to: message.to,
      start: time,
      label: labelled ? message.label : "",
      lost: message.lost,
      payload: message.payload,
    };
    this.#flights.set(flight.id, flight);
    return flight;
  }

  /** Dots on the edge between `a` and `b` give way to its flow. */
  clearEdge(a: string, b: string): void {
    for (const [id, flight] of this.#flights)
      if ((flight.from === a && flight.to === b) || (flight.from === b && flight.to === a)) this.#flights.delete(id);
  }

  clear(): void {
    this.#flights.clear();
    this.#lastLabelAt.clear();
  }

  /**
   * Where every flight is at `time` on `layout`; flights that have arrived (or faded) are
   * forgotten. Older flights keep their labels; a newer one's label gives way to them.
   */
  frame(time: number, layout: DiagramLayout, manifestEdges: { from: string; to: string }[]): FlightFrame<Payload>[] {
    const frames: FlightFrame<Payload>[] = [];
    const bounds: Rect = { left: 0, top: 0, right: layout.width, bottom: layout.height };
    const shownLabels: Rect[] = [];
    for (const [id, flight] of this.#flights) {
      const progress = Math.min(1, Math.max(0, (time - flight.start) / TRAVEL_MS));
      const path = flightPath(layout, manifestEdges, flight.from, flight.to);
      if (progress >= 1 || !path) {
        this.#flights.delete(id);
        continue;
      }
      const along = eased(progress) * (flight.lost ? LOST_AT : 1);
      const x = path.from.x + (path.to.x - path.from.x) * along;
      const y = path.from.y + (path.to.y - path.from.y) * along;
      const labelAnchor = path.downwards ? "end" : "start";
      let labelShown = false;
      if (flight.label) {
        const rect = textRect(
          this.#labelWidth(flight.label),
          x + (path.downwards ? -LABEL_OFFSET : LABEL_OFFSET),
          y + 5,
          labelAnchor,
          FONTS.message,
        );
        labelShown =
          inside(rect, bounds) &&
          !layout.obstacles.some((obstacle) => overlaps(obstacle, rect)) &&
          !shownLabels.some((other) => overlaps(other, rect));
        if (labelShown) shownLabels.push(rect);
      }
      frames.push({ flight, x, y, opacity: flight.lost ? 1 - progress : 1, labelAnchor, labelShown });
    }
    return frames;
  }

  #labelWidth(label: string): number {
    let width = this.#labelWidths.get(label);
    if (width === undefined) {
      width = this.#measure(label, FONTS.message);
      if (this.#labelWidths.size > 500) this.#labelWidths.clear();
      this.#labelWidths.set(label, width);
    }
    return width;
  }
}
