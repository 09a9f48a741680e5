/**
 * Where everything on a demo's diagram goes, as a pure function of the manifest, the run's
 * nodes and the box the diagram has: rows of nodes as the talk draws the pattern, the lines
 * between them, the patterns' labels on those lines, where an edge's rate and a sender's queue
 * go, and the boxes a travelling message's label must keep clear of.
 *
 * The diagram is drawn at the size of its box (one unit, one px of the slide), so its text is
 * at least as large as the font table says, never scaled down to fit. When a row is crowded the
 * layout gives way instead: smaller nodes with fewer words, then a row on two or three lines,
 * then smaller gaps. Only when nothing fits (sixteen workers in a phone's width) is the picture
 * scaled down, and `scale` says by how much. A diagram with room to spare (two nodes on a whole
 * slide) is drawn larger instead, for the back of the room.
 */
import type { DemoManifest } from "../../protocol/manifest.js";
import { type Anchor, type DiagramFont, FONTS, type Rect, type TextMeasure, inflate, inside, overlaps, textRect } from "./diagram-text.js";

export interface Point {
  x: number;
  y: number;
}

/** What the layout needs to know of a node. */
export interface LayoutNode {
  id: string;
  role: string;
  index: number;
  /** A peer from outside the run, connected to `binder`. */
  external?: { binder: string };
}

export type Density = "full" | "compact" | "tiny";

/** A text at a fixed place: an edge's label. */
export interface PlacedText {
  text: string;
  x: number;
  y: number;
  anchor: Anchor;
  font: DiagramFont;
  rect: Rect;
}

export interface NodeLayout {
  id: string;
  role: string;
  /** Top left corner, size. */
  x: number;
  y: number;
  width: number;
  height: number;
  density: Density;
  /** Its socket strip faces its peers below (at the bottom) or above (at the top). */
  facesDown: boolean;
  title: string;
  socket: string;
  /** Within the node: the socket strip, and the baselines of its rows of text (no detail row when tiny). */
  strip: { y: number; height: number };
  rows: { title: number; detail?: number; counters: number };
  fonts: { title: DiagramFont; socket: DiagramFont };
  /** Whether a queue of waiting messages may be drawn beside it, and where (from the node's corner): its slots grow up or down, its number to one side. */
  queue: { x: number; y: number; up: boolean; side: "left" | "right" } | undefined;
  center: Point;
  /** Where lines leave it towards peers below and above. */
  top: Point;
  bottom: Point;
}

export interface Lane {
  from: Point;
  to: Point;
}

export interface EdgeLayout {
  /** `${from}->${to}`: the sender's side of the pattern first. */
  key: string;
  from: string;
  to: string;
  /** The lane from `from` to `to`, and the lane back when messages go both ways. */
  forward: Lane;
  back: Lane | undefined;
  labels: PlacedText[];
  /** Where its rate is written once it flows (its left end, baseline). */
  rate: { x: number; y: number };
  /** Edges sharing its busier end (a fan of lines): the rate then says "/s", not "msg/s". */
  crowded: boolean;
}

export interface DiagramLayout {
  /** The size of the drawing, in its own units. */
  width: number;
  height: number;
  /**
   * How much larger than its units the drawing is shown in its box: 1 when it fits as it is,
   * more when it had room to spare, less when it had to be scaled down to fit.
   */
  scale: number;
  nodes: Map<string, NodeLayout>;
  edges: EdgeLayout[];
  /** What a travelling message's label must not cover: nodes, edge labels, rates, queues. */
  obstacles: Rect[];
}

/** The role name the run model gives peers from outside the run. */
const EXTERNAL_ROLE = "external";
const EXTERNAL_SPEC = { label: "From outside the run", socket: "peer" };

/** Horizontal offset of the two lanes of an edge: forward on the left, back on the right. */
export const LANE_OFFSET = 14;
const MARGIN = 12;
/** Between the nodes of a line, and between two lines of one crowded row. */
const NODE_GAP = 14;
const LINE_GAP = 14;
/** Between rows: room for the lines, their labels and the messages on them. */
const ROW_GAP_MIN = 64;
const ROW_GAP_MAX = 150;
/** Between rows of a diagram as tall as it needs. */
const AUTO_ROW_GAP = 110;
/** Beside a queueing sender's socket, in the gap towards its peers: the stack of waiting messages and its number. */
const QUEUE_BOX = { width: 76, height: 46 };
const QUEUE_FROM_LANE = 12;
/** Sockets that hold a message until a peer takes it (see traffic.ts): they may show a queue. */
const QUEUEING = /\b(PUSH|REQ|DEALER|PAIR)\b/;
/** The longest counters each density must make room for; the painter shortens longer ones. */
const COUNTER_SAMPLES: Record<Density, string> = {
  full: "sent 99,999 · received 99,999",
  compact: "sent 9,999 · recv 9,999",
  tiny: "↑999 ↓999",
};
const MIN_WIDTH: Record<Density, number> = { full: 190, compact: 136, tiny: 84 };
/** A rate as wide as it gets: "99.9K msg/s". */
const RATE_SAMPLE = "99.9K msg/s";

/** Heights and baselines of a node's parts, by density: every row clear of the next (see diagram-text.ts). */
const NODE_SHAPES: Record<
  Density,
  { strip: number; body: number; title: number; detail?: number; counters: number; fonts: NodeLayout["fonts"] }
> = {
  full: { strip: 26, body: 75, title: 22, detail: 45, counters: 66, fonts: { title: FONTS.title, socket: FONTS.socket } },
  compact: { strip: 24, body: 71, title: 20, detail: 42, counters: 63, fonts: { title: FONTS.titleCompact, socket: FONTS.socketSmall } },
  tiny: { strip: 24, body: 48, title: 19, counters: 40, fonts: { title: FONTS.titleTiny, socket: FONTS.socketSmall } },
};

/** Larger drawings tried first, while every row fits at its roomiest with lines of this much room between rows. */
const ZOOMS = [1.5, 1.3, 1.15];
const ROOMY_GAP = 90;

/** The ways a row can be drawn, from the most to the least room taken per node. */
const ROW_OPTIONS: { density: Density; lines: number }[] = [
  { density: "full", lines: 1 },
  { density: "compact", lines: 1 },
  { density: "full", lines: 2 },
  { density: "compact", lines: 2 },
  { density: "tiny", lines: 1 },
  { density: "tiny", lines: 2 },
  { density: "compact", lines: 3 },
  { density: "tiny", lines: 3 },
  { density: "tiny", lines: 4 },
];

interface RowPlan {
  nodes: (LayoutNode | null)[];
  options: { density: Density; lines: number; height: number; width: number }[];
  chosen: number;
}

function roleSpec(manifest: DemoManifest, role: string): { label: string; socket: string; count?: { default: number; max: number } } {
  return manifest.roles[role] ?? EXTERNAL_SPEC;
}

/** What a node is called on the diagram: "Worker 3", or "Server" for a role of one. */
export function nodeTitle(manifest: DemoManifest, node: LayoutNode): string {
  const spec = manifest.roles[node.role];
  if (!spec) return EXTERNAL_SPEC.label;
  return spec.count.default > 1 || spec.count.max > 1 ? `${spec.label} ${node.index}` : spec.label;
}

/** The rows of the manifest's layout, filled with the run's nodes; outside peers join the row of their binder's peers. */
function rowsOf(manifest: DemoManifest, nodes: LayoutNode[]): (LayoutNode | null)[][] {
  const rows = manifest.layout.map((roles) => roles.flatMap((role) => (role === "" ? [null] : nodes.filter((node) => node.role === role))));
  for (const node of nodes) {
    if (node.role !== EXTERNAL_ROLE || !node.external) continue;
    const binderRole = nodes.find((candidate) => candidate.id === node.external!.binder)?.role;
    const edge = manifest.edges.find((candidate) => candidate.from === binderRole || candidate.to === binderRole);
    const partner = edge ? (edge.from === binderRole ? edge.to : edge.from) : undefined;
    const row = manifest.layout.findIndex((roles) => partner !== undefined && roles.includes(partner));
    rows[row === -1 ? rows.length - 1 : row]!.push(node);
  }
  return rows;
}

function nodeHeight(density: Density): number {
  return NODE_SHAPES[density].strip + NODE_SHAPES[density].body;
}

/** How wide a node of `role` must be at `density` for its title, socket and counters. */
function nodeWidth(manifest: DemoManifest, nodes: LayoutNode[], density: Density, measure: TextMeasure): number {
  const { fonts } = NODE_SHAPES[density];
  // A tiny node keeps 4 px each side of its widest line: "PULL·XPUB" lets eight workers fit one line of a slide.
  const padding = density === "tiny" ? 8 : 16;
  let width = Math.max(MIN_WIDTH[density], measure(COUNTER_SAMPLES[density], FONTS.counters) + padding);
  for (const node of nodes) {
    width = Math.max(
      width,
      measure(nodeTitle(manifest, node), fonts.title) + padding,
      measure(socketText(manifest, node.role, density), fonts.socket) + padding,
    );
  }
  return Math.ceil(width);
}

/** The socket types on a node's strip: "PULL · PUB", tight on a tiny node ("PULL·PUB"). */
function socketText(manifest: DemoManifest, role: string, density: Density): string {
  const socket = roleSpec(manifest, role).socket;
  return density === "tiny" ? socket.replace(/ ([·→]) /g, "$1") : socket;
}

function queues(manifest: DemoManifest, role: string): boolean {
  return QUEUEING.test(roleSpec(manifest, role).socket);
}

/** Between two lines of one row: room for the first line's queues when its nodes queue. */
function lineGap(manifest: DemoManifest, nodes: LayoutNode[]): number {
  return nodes.some((node) => queues(manifest, node.role)) ? QUEUE_BOX.height + 8 : LINE_GAP;
}

/** The width one node of the row takes at `density`, its gap included. */
function columnNeeded(manifest: DemoManifest, nodes: LayoutNode[], density: Density, measure: TextMeasure): number {
  return nodeWidth(manifest, nodes, density, measure) + NODE_GAP;
}

/** The width a row of `count` nodes on `lines` lines takes when each needs `column`. */
function rowWidth(count: number, lines: number, column: number): number {
  // A second line sits half a column in, so that lines to the far row pass between the first's nodes.
  return column * (Math.ceil(count / lines) + (lines > 1 ? 0.5 : 0)) + 2 * MARGIN;
}

/** Picks, for every row, the roomiest way that fits the width, then gives way row by row until the height fits. */
function planRows(
  manifest: DemoManifest,
  rows: (LayoutNode | null)[][],
  box: { width: number; height: number },
  measure: TextMeasure,
): RowPlan[] {
  const plans = rows.map((nodes): RowPlan => {
    const real = nodes.filter((node): node is LayoutNode => node !== null);
    const all = ROW_OPTIONS.filter(({ lines }) => lines === 1 || nodes.length >= lines * 2).map(({ density, lines }) => ({
      density,
      lines,
      height: lines * nodeHeight(density) + (lines - 1) * lineGap(manifest, real),
      width: rowWidth(nodes.length, lines, columnNeeded(manifest, real, density, measure)),
    }));
    // None fits: the narrowest, and the picture is scaled down to show it.
    const fitting = all.filter((option) => option.width <= box.width);
    const options =
      fitting.length > 0 ? fitting : [all.reduce((narrowest, option) => (option.width < narrowest.width ? option : narrowest))];
    return { nodes, options, chosen: 0 };
  });
  const needed = () =>
    plans.reduce((sum, plan) => sum + plan.options[plan.chosen]!.height, 0) + (plans.length - 1) * ROW_GAP_MIN + 2 * MARGIN;
  while (needed() > box.height) {
    // The row that gains most from giving way does so first.
    let best: RowPlan | undefined;
    let gain = 0;
    for (const plan of plans) {
      const next = plan.options[plan.chosen + 1];
      const saved = next ? plan.options[plan.chosen]!.height - next.height : 0;
      if (saved > gain) [best, gain] = [plan, saved];
    }
    if (!best) break;
    best.chosen += 1;
  }
  return plans;
}

/** The slot a line's nodes sit in, centred; a second line starts half a column in. */
function placeLine(count: number, line: number, lines: number, width: number): (position: number) => number {
  const usable = width - 2 * MARGIN;
  const column = lines === 1 ? usable / count : usable / (count + 0.5);
  const shift = lines > 1 && line % 2 === 1 ? column / 2 : 0;
  return (position) => MARGIN + column * (position + 0.5) + shift;
}

export interface LayoutInput {
  manifest: DemoManifest;
  nodes: LayoutNode[];
  /** The room the diagram has; an infinite height lays it out at its width, as tall as it needs (a phone's column). */
  box: { width: number; height: number };
  measure: TextMeasure;
}

export function layoutDiagram(input: LayoutInput): DiagramLayout {
  for (const zoom of Number.isFinite(input.box.height) ? ZOOMS : []) {
    const box = { width: input.box.width / zoom, height: input.box.height / zoom };
    const rows = rowsOf(input.manifest, input.nodes);
    const plans = planRows(input.manifest, rows, box, input.measure);
    const roomy = plans.every((plan) => plan.chosen === 0 && plan.options[0]!.density === "full" && plan.options[0]!.lines === 1);
    if (roomy && rowGapOf(plans, box) >= ROOMY_GAP) return { ...layoutAt({ ...input, box }, plans), scale: zoom };
  }
  return layoutAt(input, planRows(input.manifest, rowsOf(input.manifest, input.nodes), input.box, input.measure));
}

/** The gap between rows that `plans` leave in `box`. */
function rowGapOf(plans: RowPlan[], box: { width: number; height: number }): number {
  const contentHeight = plans.reduce((sum, plan) => sum + plan.options[plan.chosen]!.height, 0);
  const spare = box.height - 2 * MARGIN - contentHeight;
  if (plans.length < 2) return Number.POSITIVE_INFINITY;
  return Number.isFinite(spare) ? Math.min(ROW_GAP_MAX, Math.max(ROW_GAP_MIN, spare / (plans.length - 1))) : AUTO_ROW_GAP;
}

function layoutAt({ manifest, nodes, box, measure }: LayoutInput, plans: RowPlan[]): DiagramLayout {
  const contentHeight = plans.reduce((sum, plan) => sum + plan.options[plan.chosen]!.height, 0);
  const rowGap = plans.length > 1 ? rowGapOf(plans, box) : 0;
  const height = contentHeight + rowGap * (plans.length - 1);
  const width = Math.max(box.width, ...plans.map((plan) => plan.options[plan.chosen]!.width));
  const totalHeight = Number.isFinite(box.height) ? Math.max(box.height, height + 2 * MARGIN) : height + 2 * MARGIN;
  const scale = Math.min(1, box.width / width, Number.isFinite(box.height) ? box.height / totalHeight : 1);

  const rowOfRole = new Map<string, number>();
  manifest.layout.forEach((roles, row) => roles.forEach((role) => rowOfRole.set(role, row)));
  const laidOut = new Map<string, NodeLayout>();
  let y = (totalHeight - height) / 2;
  plans.forEach((plan, row) => {
    const { density, lines } = plan.options[plan.chosen]!;
    const shape = NODE_SHAPES[density];
    const real = plan.nodes.filter((node): node is LayoutNode => node !== null);
    const nodeW = nodeWidth(manifest, real, density, measure);
    const perLine = Math.ceil(plan.nodes.length / lines);
    for (let line = 0; line < lines; line++) {
      const inLine = plan.nodes.slice(line * perLine, (line + 1) * perLine);
      const slot = placeLine(lines === 1 ? inLine.length : perLine, line, lines, width);
      inLine.forEach((node, position) => {
        if (!node) return;
        // Centred in its column, as the nodes of the rows above and below.
        const x = slot(position) - nodeW / 2;
        const nodeH = nodeHeight(density);
        const peerRows = manifest.edges
          .filter((edge) => [edge.from, edge.to].includes(node.role))
          .map((edge) => rowOfRole.get(edge.from === node.role ? edge.to : edge.from) ?? 0);
        // Towards its peers below; a node of the top row with no peer in another row (inproc's
        // sender and receiver in one process) faces down too, so its queue grows into the gap
        // and not over the picture's top edge.
        const facesDown = peerRows.some((peerRow) => peerRow > row) || (row === 0 && !peerRows.some((peerRow) => peerRow !== row));
        const stripY = facesDown ? nodeH - shape.strip : 0;
        const bodyY = facesDown ? 0 : shape.strip;
        laidOut.set(node.id, {
          id: node.id,
          role: node.role,
          x,
          y,
          width: nodeW,
          height: nodeH,
          density,
          facesDown,
          title: nodeTitle(manifest, node),
          socket: socketText(manifest, node.role, density),
          strip: { y: stripY, height: shape.strip },
          rows: {
            title: bodyY + shape.title,
            ...(shape.detail !== undefined ? { detail: bodyY + shape.detail } : {}),
            counters: bodyY + shape.counters,
          },
          fonts: shape.fonts,
          // Out of its socket, right of its lanes (left at the picture's right edge), growing away from the node into the gap.
          queue: queues(manifest, node.role) ? queuePlace(x, nodeW, nodeH, facesDown, width) : undefined,
          center: { x: x + nodeW / 2, y: y + nodeH / 2 },
          top: { x: x + nodeW / 2, y },
          bottom: { x: x + nodeW / 2, y: y + nodeH },
        });
      });
      y += nodeHeight(density) + (line < lines - 1 ? lineGap(manifest, real) : 0);
    }
    y += rowGap;
  });

  const obstacles: Rect[] = [];
  for (const node of laidOut.values()) {
    obstacles.push({ left: node.x, top: node.y, right: node.x + node.width, bottom: node.y + node.height });
    if (node.queue) obstacles.push(queueRect(node));
  }
  const bounds: Rect = { left: 0, top: 0, right: width, bottom: totalHeight };
  const edges = layoutEdges(manifest, nodes, laidOut, bounds);
  for (const edge of edges) {
    for (const label of edge.labels) obstacles.push(inflate(label.rect, 2));
  }
  placeRates(edges, obstacles, bounds, measure);
  return { width, height: totalHeight, scale, nodes: laidOut, edges, obstacles };
}

function queuePlace(nodeX: number, nodeW: number, nodeH: number, facesDown: boolean, width: number): NodeLayout["queue"] {
  const right = nodeX + nodeW / 2 + LANE_OFFSET + QUEUE_FROM_LANE + QUEUE_BOX.width <= width - MARGIN / 2;
  return {
    x: right ? nodeW / 2 + LANE_OFFSET + QUEUE_FROM_LANE : nodeW / 2 - LANE_OFFSET - QUEUE_FROM_LANE,
    y: facesDown ? nodeH + 4 : -4,
    up: !facesDown,
    side: right ? "right" : "left",
  };
}

/** The box a node's queue may take: its stack of slots and its number. */
export function queueRect(node: NodeLayout): Rect {
  const { x, y, up, side } = node.queue!;
  const top = node.y + (up ? y - QUEUE_BOX.height : y);
  const left = node.x + x - (side === "left" ? QUEUE_BOX.width : 0);
  return { left, top, right: left + QUEUE_BOX.width, bottom: top + QUEUE_BOX.height };
}

/** The pairs of nodes the manifest's edges join (and outside peers to their binder), each edge's label on its first line. */
function layoutEdges(manifest: DemoManifest, nodes: LayoutNode[], laidOut: Map<string, NodeLayout>, bounds: Rect): EdgeLayout[] {
  const edges: EdgeLayout[] = [];
  const placed: Rect[] = [...laidOut.values()].flatMap((node) => [
    inflate({ left: node.x, top: node.y, right: node.x + node.width, bottom: node.y + node.height }, 4),
    ...(node.queue ? [queueRect(node)] : []),
  ]);
  const add = (fromId: string, toId: string, forwardLabel: string | undefined, backLabel: string | undefined, twoWay: boolean) => {
    const from = laidOut.get(fromId);
    const to = laidOut.get(toId);
    if (!from || !to) return;
    const downwards = to.center.y > from.center.y;
    const start = downwards ? from.bottom : from.top;
    const end = downwards ? to.top : to.bottom;
    // Lanes stop short of the nodes, so the arrow heads are not hidden under them.
    const inset = (towards: Point, away: Point) => Math.sign(towards.y - away.y) * 3;
    const lane = (offset: number, away: Point, towards: Point): Lane => ({
      from: { x: away.x + offset, y: away.y + inset(towards, away) },
      to: { x: towards.x + offset, y: towards.y - inset(towards, away) },
    });
    const forward = lane(-LANE_OFFSET, start, end);
    const back = twoWay ? lane(LANE_OFFSET, end, start) : undefined;
    const labels: PlacedText[] = [];
    const place = (label: PlacedText | undefined) => {
      if (!label) return;
      labels.push(label);
      placed.push(inflate(label.rect, 2));
    };
    if (forwardLabel) place(placeEdgeLabel(`"${forwardLabel}"`, forward, twoWay ? "outside" : "inside", -1, placed, bounds));
    if (backLabel && back) place(placeEdgeLabel(`"${backLabel}"`, back, "outside", 1, placed, bounds));
    edges.push({ key: `${fromId}->${toId}`, from: fromId, to: toId, forward, back, labels, rate: { x: 0, y: 0 }, crowded: false });
  };
  for (const node of nodes) if (node.external) add(node.external.binder, node.id, undefined, undefined, false);
  for (const edge of manifest.edges) {
    // One label per edge of the pattern, on its first line: repeated, they would overlap.
    let labelled = false;
    for (const from of nodes) {
      if (from.role !== edge.from) continue;
      for (const to of nodes) {
        if (to.role !== edge.to) continue;
        const twoWay = edge.backLabel !== undefined;
        if (labelled) add(from.id, to.id, undefined, undefined, twoWay);
        else add(from.id, to.id, edge.forwardLabel, edge.backLabel, twoWay);
        labelled = true;
      }
    }
  }
  return edges;
}

/** Width of a text for placement: the estimate is generous, and placement must never be short of room. */
const labelWidth = (text: string, font: DiagramFont) => [...text].length * font.size * 0.6;

/**
 * A label beside its lane, clear of nodes, queues and other labels and inside the picture:
 * halfway along if there is room there, else nearer either end, on the side asked first (away
 * from where messages' own labels fly), else the other side. None when there is no such place
 * (a crowded phone): a label that covers another would help nobody.
 */
function placeEdgeLabel(
  text: string,
  lane: Lane,
  preferred: "inside" | "outside",
  outwards: -1 | 1,
  placed: Rect[],
  bounds: Rect,
): PlacedText | undefined {
  const font = FONTS.edgeLabel;
  const width = labelWidth(text, font);
  const sides = preferred === "outside" ? [outwards, -outwards] : [-outwards, outwards];
  for (const side of sides) {
    for (const along of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
      const x = lane.from.x + (lane.to.x - lane.from.x) * along + side * 10;
      const y = lane.from.y + (lane.to.y - lane.from.y) * along + 5;
      const anchor: Anchor = side < 0 ? "end" : "start";
      const rect = textRect(width, x, y, anchor, font);
      if (inside(rect, bounds) && !placed.some((other) => overlaps(other, rect))) return { text, x, y, anchor, font, rect };
    }
  }
  return undefined;
}

/** Each edge's rate near the spread-out end of its fan, clear of labels and nodes. */
function placeRates(edges: EdgeLayout[], obstacles: Rect[], bounds: Rect, measure: TextMeasure): void {
  const ends = new Map<string, number>();
  for (const edge of edges) for (const id of [edge.from, edge.to]) ends.set(id, (ends.get(id) ?? 0) + 1);
  for (const edge of edges) {
    const fromShared = ends.get(edge.from)!;
    const toShared = ends.get(edge.to)!;
    edge.crowded = Math.max(fromShared, toShared) > 3;
    // The hub is the end more lines share; the rate goes towards the other end.
    const preferred = fromShared > toShared ? 0.72 : toShared > fromShared ? 0.28 : 0.6;
    const lane = edge.back ?? edge.forward;
    const laneRight = edge.back ? 0 : LANE_OFFSET;
    const width = Math.max(
      measure(edge.crowded ? "99.9K/s" : RATE_SAMPLE, FONTS.rate),
      labelWidth(edge.crowded ? "99.9K/s" : RATE_SAMPLE, FONTS.rate),
    );
    // Right of the lanes first, all along them, then left.
    const right: { x: number; y: number }[] = [];
    const left: { x: number; y: number }[] = [];
    for (const along of [preferred, 0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
      const x = edge.forward.from.x + (edge.forward.to.x - edge.forward.from.x) * along;
      const y = edge.forward.from.y + (edge.forward.to.y - edge.forward.from.y) * along + 5;
      const backX = edge.back ? lane.to.x + (lane.from.x - lane.to.x) * along : x;
      right.push({ x: Math.max(x, backX) + laneRight + 12, y });
      left.push({ x: Math.min(x, backX) - 2 * LANE_OFFSET - 12 - width, y });
    }
    const spots = [...right, ...left];
    const clear = spots.find((spot) => {
      const rect = textRect(width, spot.x, spot.y, "start", FONTS.rate);
      return inside(rect, bounds) && !obstacles.some((obstacle) => overlaps(obstacle, rect));
    });
    edge.rate = clear ?? spots[0]!;
    obstacles.push(inflate(textRect(width, edge.rate.x, edge.rate.y, "start", FONTS.rate), 2));
  }
}
