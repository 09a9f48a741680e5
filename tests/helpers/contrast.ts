/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * WCAG 2.2 contrast, measured on what Chromium actually paints: for every piece of visible text
 * under a root, its colour against whatever lies beneath it at its centre (the page, a panel,
 * a node's box in an SVG diagram), blended through any transparency. Runs in the page.
 *
 * Text needs 4.5:1, large text (24 px, or 18.66 px bold, as rendered) 3:1 (SC 1.4.3); a message
 * dot or a node's outline — graphics a viewer must see to follow the demo — 3:1 (SC 1.4.11).
 */

export interface ContrastProblem {
  what: string;
  ratio: number;
  needed: number;
  foreground: string;
  background: string;
}

/**
 * Everything under `rootSelector` that falls short, and how many items were measured (so a
 * caller can tell "all fine" from "nothing looked at"). Self-contained: it is serialised
 * into the page.
 */
export function contrastProblemsIn(rootSelector: string): { measured: number; problems: ContrastProblem[] } {
  type Rgba = [number, number, number, number];
  const parse = (css: string): Rgba | undefined => {
    const srgb = /color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.e-]+))?\)/.exec(css);
    if (srgb) return [Number(srgb[1]) * 255, Number(srgb[2]) * 255, Number(srgb[3]) * 255, srgb[4] === undefined ? 1 : Number(srgb[4])];
    const rgb = /rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:[,/] ?([\d.]+))?\)/.exec(css);
    if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), rgb[4] === undefined ? 1 : Number(rgb[4])];
    return undefined;
  };
  const over = (top: Rgba, bottom: Rgba): Rgba => {
    const a = top[3];
    return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
  };
  const luminance = ([r, g, b]: Rgba) => {
    const channel = (value: number) => {
      const c = value / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const ratio = (a: Rgba, b: Rgba) => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (light! + 0.05) / (dark! + 0.05);
  };
  const hex = ([r, g, b]: Rgba) => `#${[r, g, b].map((value) => Math.round(value).toString(16).padStart(2, "0")).join("")}`;
  const opacityOf = (element: Element) => {
    let opacity = 1;
    for (let node: Element | null = element; node; node = node.parentElement) opacity *= Number(getComputedStyle(node).opacity);
    return opacity;
  };
  const SHAPES = new Set(["rect", "circle", "ellipse", "path", "polygon"]);
  /**
   * The colour painted beneath what `element` draws at (x, y): its own background (text sits on
   * it) and every layer under it, blended, down to the page.
   */
  const backgroundAt = (element: Element, x: number, y: number): Rgba | undefined => {
    const stack = document.elementsFromPoint(x, y);
    const index = stack.findIndex((candidate) => candidate === element || candidate.contains(element));
    if (index === -1) return undefined; // covered by something else: not what the viewer sees
    const layers: Rgba[] = [];
    for (const layer of stack.slice(index)) {
      const style = getComputedStyle(layer);
      if (style.backgroundImage !== "none" && !(layer instanceof SVGElement)) return undefined; // a gradient or picture: not measurable this way
      const paint = layer instanceof SVGElement ? (SHAPES.has(layer.tagName) ? style.fill : "none") : style.backgroundColor;
      const colour = paint === "none" ? undefined : parse(paint);
      if (!colour || colour[3] === 0) continue;
      layers.push([colour[0], colour[1], colour[2], colour[3] * opacityOf(layer)]);
      if (layers.at(-1)![3] >= 1) break;
    }
    return layers.reduceRight<Rgba>((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };

  const root = document.querySelector(rootSelector);
  if (!root) throw new Error(`nothing matches ${rootSelector}`);
  // Hit testing is how the layers are found; elements that opt out of it still paint.
  const hitAll = document.createElement("style");
  hitAll.textContent = "* { pointer-events: auto !important; }";
  document.head.append(hitAll);
  const slides = document.querySelector(".reveal .slides");
  const slideScale = slides ? slides.getBoundingClientRect().width / (slides as HTMLElement).offsetWidth : 1;
  const problems: ContrastProblem[] = [];
  let measured = 0;
  const check = (element: Element, box: DOMRect, foregroundCss: string, needed: (large: boolean) => number, what: string) => {
    if (box.width < 1 || box.height < 1 || box.bottom < 0 || box.right < 0 || box.top > innerHeight || box.left > innerWidth) return;
    const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
    const style = getComputedStyle(element);
    // SVG text drawn over a halo of its own stroke (paint-order: stroke) sits on that halo.
    const halo =
      element instanceof SVGElement && style.paintOrder.startsWith("stroke") && parseFloat(style.strokeWidth) >= 3
        ? parse(style.stroke)
        : undefined;
    const beneath = backgroundAt(element, x, y);
    const background = halo && beneath ? over(halo, beneath) : beneath;
    const own = parse(foregroundCss);
    if (!background || !own) return;
    const foreground = over([own[0], own[1], own[2], own[3] * opacityOf(element)], background);
    const size = parseFloat(style.fontSize) * (element.closest(".reveal .slides") ? slideScale : 1);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const value = ratio(foreground, background);
    measured += 1;
    if (value + 0.005 < needed(large))
      problems.push({
        what,
        ratio: Math.round(value * 100) / 100,
        needed: needed(large),
        foreground: hex(foreground),
        background: hex(background),
      });
  };
  try {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      const element = text.parentElement;
      if (!element || !text.textContent?.trim()) continue;
      if (!element.checkVisibility({ opacityProperty: true, visibilityProperty: true }) || element.closest("aside.notes, [hidden]"))
        continue;
      // WCAG exempts an inactive control: greyed out is how it says "not now".
      if (element.closest(":disabled, [aria-disabled='true']")) continue;
      const range = document.createRange();
      range.selectNodeContents(text);
      const box = range.getBoundingClientRect();
      const foreground = element instanceof SVGElement ? getComputedStyle(element).fill : getComputedStyle(element).color;
      check(
        element,
        box,
        foreground,
        (large) => (large ? 3 : 4.5),
        `"${text.textContent.trim().slice(0, 40)}" in ${element.tagName.toLowerCase()}.${String(element.getAttribute("class") ?? "").split(" ")[0]}`,
      );
    }
    // Graphics a viewer needs to follow the run (the travelling message and the node's box) and
    // to find their way (reveal.js's arrows, drawn in their button's colour, and the done part of
    // its progress bar): 3:1 against what is beside them.
    for (const graphic of root.querySelectorAll(
      ".message circle, .message rect, .node-outline, .controls button.enabled, .progress span",
    )) {
      if (!graphic.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      const style = getComputedStyle(graphic);
      const box = graphic.getBoundingClientRect();
      if (box.width < 1 || box.height < 1) continue;
      let paint: string;
      let beside: { x: number; y: number; under: Element };
      if (graphic.matches(".controls button")) {
        paint = style.color;
        beside = { x: box.left + box.width / 2, y: box.top - 3, under: document.body };
      } else if (graphic.matches(".progress span")) {
        // The done part, against the part still to go.
        paint = style.backgroundColor;
        beside = { x: Math.min(box.right + 3, innerWidth - 1), y: box.top + box.height / 2, under: graphic.parentElement! };
      } else {
        paint = graphic.closest(".message") ? style.fill : style.stroke;
        beside = { x: box.left - 3, y: box.top + box.height / 2, under: graphic.closest("svg")!.parentElement! };
      }
      if (paint === "none") continue;
      const background = backgroundAt(beside.under, beside.x, beside.y);
      const own = parse(paint);
      if (!background || !own) continue;
      const painted = over([own[0], own[1], own[2], own[3] * opacityOf(graphic)], background);
      const value = ratio(painted, background);
      measured += 1;
      const what = graphic.matches(".controls button")
        ? `reveal.js's ${graphic.className.split(" ")[0]} arrow`
        : graphic.matches(".progress span")
          ? "reveal.js's progress bar"
          : `${graphic.tagName} of ${graphic.closest("[data-node], .message")?.getAttribute("data-node") ?? "a message"}`;
      if (value + 0.005 < 3)
        problems.push({ what, ratio: Math.round(value * 100) / 100, needed: 3, foreground: hex(painted), background: hex(background) });
    }
  } finally {
    hitAll.remove();
  }
  return { measured, problems };
}
