/**
 * The diagram's text: its fonts (one table, read by the layout to make room and by the painter
 * to draw), how wide a text is, the box it covers, and the words a node shows, shortened until
 * they fit its width. Pure: no DOM, so the layout can be tested in Node; the page hands in a
 * measure that asks the browser (canvasMeasure in diagram.ts), tests use the estimate.
 *
 * Every size is at least 15 px of the slide: 1280×720 shows the slide at 0.96 of its size
 * (reveal.js's margin), so nothing on a diagram reads smaller than 14 px on that screen.
 */
import type { NodeState } from "./run-model.js";

export interface DiagramFont {
  family: "sans" | "mono";
  weight: 400 | 700;
  size: number;
  italic?: boolean;
}

export const FONTS = {
  title: { family: "sans", weight: 700, size: 18 },
  titleCompact: { family: "sans", weight: 700, size: 16 },
  titleTiny: { family: "sans", weight: 700, size: 15 },
  detail: { family: "sans", weight: 400, size: 15 },
  counters: { family: "sans", weight: 400, size: 15 },
  socket: { family: "mono", weight: 700, size: 17 },
  socketSmall: { family: "mono", weight: 700, size: 15 },
  edgeLabel: { family: "mono", weight: 400, size: 16, italic: true },
  message: { family: "mono", weight: 700, size: 15 },
  rate: { family: "mono", weight: 700, size: 15 },
  queue: { family: "mono", weight: 700, size: 15 },
} as const satisfies Record<string, DiagramFont>;

/** The smallest text the diagram draws, in px of the slide. */
export const MIN_FONT_SIZE = Math.min(...Object.values(FONTS).map((font) => font.size));

/** How wide `text` is in `font`, in px. */
export type TextMeasure = (text: string, font: DiagramFont) => number;

/**
 * A generous guess of a text's width, for tests and before the page's fonts have loaded:
 * JetBrains Mono advances 0.6 em a character; Atkinson Hyperlegible Next averages under 0.5.
 */
export const estimateWidth: TextMeasure = (text, font) =>
  [...text].length * font.size * (font.family === "mono" ? 0.6 : font.weight === 700 ? 0.56 : 0.52);

/** How far a line of text reaches above and below its baseline, in em, as Chromium boxes it. */
const ASCENT = 1.02;
const DESCENT = 0.32;

export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export type Anchor = "start" | "middle" | "end";

/** The box a text drawn at (x, y), its baseline, covers. */
export function textRect(width: number, x: number, y: number, anchor: Anchor, font: DiagramFont): Rect {
  const left = anchor === "start" ? x : anchor === "end" ? x - width : x - width / 2;
  return { left, top: y - ASCENT * font.size, right: left + width, bottom: y + DESCENT * font.size };
}

/** The height of a line of text in `font`, as a box. */
export function lineHeight(font: DiagramFont): number {
  return (ASCENT + DESCENT) * font.size;
}

export function overlaps(a: Rect, b: Rect): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

export function inside(inner: Rect, outer: Rect): boolean {
  return inner.left >= outer.left && inner.top >= outer.top && inner.right <= outer.right && inner.bottom <= outer.bottom;
}

export function inflate(rect: Rect, by: number): Rect {
  return { left: rect.left - by, top: rect.top - by, right: rect.right + by, bottom: rect.bottom + by };
}

const counting = new Intl.NumberFormat("en");
const compactNumber = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

/** A count as a node shows it: exact below 100,000, then "123.4K". */
export function count(value: number): string {
  return value < 100_000 ? counting.format(value) : compactNumber.format(value);
}

/** A rate, always short: "7.7K". */
export function shortCount(value: number): string {
  return compactNumber.format(Math.round(value));
}

/**
 * A node's counters in words, from the most to the fewest, for the painter to take the first
 * that fits the node: fewer words rather than smaller letters.
 */
export function counterTexts(
  node: Pick<NodeState, "sent" | "received" | "lost" | "missed" | "unknown" | "unsettled" | "uncounted">,
): string[] {
  const { lost, missed, unknown } = node;
  // A process killed before it reported its last counts: at least this many.
  const atLeast = (which: "sent" | "received") => (node.uncounted.includes(which) ? "≥" : "");
  const sent = `${atLeast("sent")}${count(node.sent)}`;
  const received = `${atLeast("received")}${count(node.received)}`;
  const sentShort = `${atLeast("sent")}${shortCount(node.sent)}`;
  const receivedShort = `${atLeast("received")}${shortCount(node.received)}`;
  // Counting in flows and still busy: what its edge loses is settled only once it is quiet.
  const pending = node.unsettled.length > 0;
  const losses = [
    lost > 0 ? `lost ${count(lost)}` : "",
    missed > 0 ? `missed ${count(missed)}` : "",
    unknown > 0 ? `not known ${count(unknown)}` : "",
    pending ? "losses ?" : "",
  ].filter(Boolean);
  const lostOrMissed = lost + missed;
  const cross = [
    ...(lostOrMissed > 0 ? [`✗ ${shortCount(lostOrMissed)}`] : []),
    ...(unknown > 0 ? [`? ${shortCount(unknown)}`] : []),
    ...(pending ? ["✗ ?"] : []),
  ];
  return [
    [`sent ${sent}`, `received ${received}`, ...losses].join(" · "),
    [`sent ${sent}`, `recv ${received}`, ...losses].join(" · "),
    [`sent ${sent}`, `recv ${received}`, ...cross].join(" · "),
    [`↑${sent}`, `↓${received}`, ...cross].join(" "),
    [`↑${sentShort}`, `↓${receivedShort}`, ...cross].join(" "),
    // Losses still show: the node's counters turn the accent colour.
    [`↑${sentShort}`, `↓${receivedShort}`].join(" "),
  ];
}

/** The first of `texts` that is at most `width` wide in `font`; the last one if none is. */
export function firstThatFits(texts: string[], width: number, font: DiagramFont, measure: TextMeasure): string {
  return texts.find((text) => measure(text, font) <= width) ?? texts.at(-1) ?? "";
}
