/**
 * The diagram's layout, without a browser: for every demo, at the size a slide gives its
 * diagram and at a phone's, nodes do not overlap and stay inside the picture, the pattern's
 * labels cover no node and no other label, a travelling message's label gives way to them, and
 * the picture is never scaled below the size its text was chosen for (bigger, when there is room).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { manifests } from "../protocol/manifests.js";
import { defaultParams } from "../protocol/manifest.js";
import { FlightBoard, TRAVEL_MS } from "../slides/app/diagram-flights.js";
import { type DiagramLayout, layoutDiagram, queueRect } from "../slides/app/diagram-layout.js";
import {
  type Rect,
  counterTexts,
  estimateWidth,
  firstThatFits,
  FONTS,
  MIN_FONT_SIZE,
  overlaps,
  textRect,
} from "../slides/app/diagram-text.js";
import { RunModel } from "../slides/app/run-model.js";

/** The diagram's box on a demo slide at 1280×720 (the smallest of them: a slide with a long intro), and on a 390×844 phone. */
const SLIDE = { width: 860, height: 400 };
const PHONE = { width: 358, height: Number.POSITIVE_INFINITY };

function layoutOf(demo: string, params: Record<string, number>, box: { width: number; height: number }): DiagramLayout {
  const manifest = manifests.get(demo)!;
  const model = new RunModel(manifest);
  model.reset({ ...defaultParams(manifest), ...params });
  return layoutDiagram({ manifest, nodes: [...model.nodes.values()], box, measure: estimateWidth });
}

const rectOf = (node: { x: number; y: number; width: number; height: number }): Rect => ({
  left: node.x,
  top: node.y,
  right: node.x + node.width,
  bottom: node.y + node.height,
});

/** Everything wrong with a layout, in words. */
function problems(layout: DiagramLayout): string[] {
  const found: string[] = [];
  const bounds = { left: 0, top: 0, right: layout.width, bottom: layout.height };
  const nodes = [...layout.nodes.values()];
  for (const node of nodes) {
    const rect = rectOf(node);
    if (rect.left < bounds.left || rect.top < bounds.top || rect.right > bounds.right || rect.bottom > bounds.bottom)
      found.push(`${node.id} leaves the picture`);
    for (const other of nodes) if (other.id < node.id && overlaps(rect, rectOf(other))) found.push(`${node.id} overlaps ${other.id}`);
    if (node.queue) {
      const queue = queueRect(node);
      if (queue.left < 0 || queue.top < 0 || queue.right > layout.width || queue.bottom > layout.height)
        found.push(`${node.id}'s queue leaves the picture`);
      for (const other of nodes) if (overlaps(queue, rectOf(other))) found.push(`${node.id}'s queue covers ${other.id}`);
    }
  }
  const labels = layout.edges.flatMap((edge) => edge.labels);
  for (const label of labels) {
    for (const node of nodes) if (overlaps(label.rect, rectOf(node))) found.push(`label ${label.text} covers ${node.id}`);
    for (const other of labels)
      if (other !== label && other.text <= label.text && overlaps(label.rect, other.rect))
        found.push(`label ${label.text} covers ${other.text}`);
    if (label.rect.left < 0 || label.rect.right > layout.width) found.push(`label ${label.text} is cut by the edge`);
  }
  return found;
}

/** Each demo at its defaults, and at the largest counts its slides and exercises use. */
const CASES: [string, Record<string, number>][] = [
  ...[...manifests.keys()].map((demo): [string, Record<string, number>] => [demo, {}]),
  ["push-pull", { workers: 8 }],
  ["pub-sub", { subscribers: 8 }],
  ["queue", { clients: 4, workers: 4 }],
  ["dist-adder", { workers: 8 }],
  ["forwarder", { publishers: 3, subscribers: 6 }],
];

describe("the diagram's layout", () => {
  for (const [demo, params] of CASES) {
    const name = `${demo}${Object.keys(params).length ? ` ${JSON.stringify(params)}` : ""}`;
    it(`${name}: nothing overlaps and nothing is scaled down, on a slide and on a phone`, () => {
      for (const [where, box] of [
        ["slide", SLIDE],
        ["phone", PHONE],
      ] as const) {
        const layout = layoutOf(demo, params, box);
        assert.deepEqual(problems(layout), [], `on a ${where}`);
        // A phone may show a crowded diagram a little smaller: never under 12 px.
        const least = where === "slide" ? 1 : 12 / MIN_FONT_SIZE;
        assert.ok(layout.scale >= least, `on a ${where}, drawn at ${layout.scale.toFixed(2)} of its size`);
      }
    });
  }

  it("draws a small diagram larger when the slide has room, and a crowded row on more lines", () => {
    assert.ok(layoutOf("req-rep", {}, SLIDE).scale > 1, "two nodes on a slide are drawn larger");
    const crowded = layoutOf("dist-adder", { workers: 8 }, SLIDE);
    const workers = [...crowded.nodes.values()].filter((node) => node.role === "worker");
    assert.ok(
      new Set(workers.map((node) => node.y)).size >= 2 || workers.every((node) => node.density !== "full"),
      "eight workers give way: smaller, or on two lines",
    );
  });

  it("shortens a node's counters to fit it rather than shrinking its letters", () => {
    const node = { sent: 12_345, received: 67_890, lost: 12, missed: 3, unknown: 0, unsettled: [], uncounted: [] };
    assert.equal(
      firstThatFits(counterTexts(node), 1000, FONTS.counters, estimateWidth),
      "sent 12,345 · received 67,890 · lost 12 · missed 3",
    );
    const narrow = firstThatFits(counterTexts(node), 110, FONTS.counters, estimateWidth);
    assert.ok(estimateWidth(narrow, FONTS.counters) <= 110, `"${narrow}" fits a tiny node`);
  });

  it("hides a travelling message's label where it would cover a node, a pattern's label or another message's label", () => {
    const layout = layoutOf("push-pull", { workers: 3 }, SLIDE);
    const board = new FlightBoard<undefined>(estimateWidth);
    for (let worker = 1; worker <= 3; worker++)
      board.add({ from: "ventilator-1", to: `worker-${worker}`, label: `task ${worker}`, lost: false }, worker * 300, {});
    const manifest = manifests.get("push-pull")!;
    let shown = 0;
    for (let time = 0; time < 2000; time += 10) {
      const frames = board.frame(time, layout, manifest.edges);
      const rects = frames
        .filter((frame) => frame.labelShown)
        .map((frame) =>
          textRect(
            estimateWidth(frame.flight.label, FONTS.message),
            frame.x + (frame.labelAnchor === "end" ? -12 : 12),
            frame.y + 5,
            frame.labelAnchor,
            FONTS.message,
          ),
        );
      shown += rects.length;
      for (const rect of rects) {
        for (const obstacle of layout.obstacles) assert.ok(!overlaps(rect, obstacle), `at ${time} ms a label covers a node or label`);
        for (const other of rects) if (other !== rect) assert.ok(!overlaps(rect, other), `at ${time} ms two labels overlap`);
      }
    }
    assert.ok(shown > 0, "labels are shown where there is room");
    assert.ok(TRAVEL_MS > 0);
  });
});
