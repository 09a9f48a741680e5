/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The text a viewer sees, measured as Chromium paints it: each visible piece of text under a
 * root, the size its letters are on screen (px), and the box it covers. Self-contained
 * functions: they are serialised into the page.
 */

export interface TextPiece {
  text: string;
  /** The font size on screen, after every scaling (reveal.js's, an SVG's viewBox). */
  px: number;
  left: number;
  top: number;
  right: number;
  bottom: number;
  where: string;
}

/** Every visible piece of text under `rootSelector` (screen-reader-only text left out). */
export function visibleTexts(rootSelector: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  const slides = document.querySelector<HTMLElement>(".reveal .slides");
  const slideScale = slides && slides.offsetWidth > 0 ? slides.getBoundingClientRect().width / slides.offsetWidth : 1;
  for (const root of document.querySelectorAll(rootSelector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      const text = node.textContent?.trim() ?? "";
      if (!element || !text) continue;
      if (
        !element.checkVisibility({ opacityProperty: true, visibilityProperty: true }) ||
        element.closest(".visually-hidden, aside.notes, [hidden], title, desc")
      )
        continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const box = range.getBoundingClientRect();
      if (box.width < 1 || box.height < 1) continue;
      const size = parseFloat(getComputedStyle(element).fontSize);
      let px: number;
      if (element instanceof SVGGraphicsElement) {
        const matrix = element.getScreenCTM();
        px = size * (matrix ? Math.hypot(matrix.a, matrix.b) : 1);
      } else {
        px = size * (element.closest(".reveal .slides") ? slideScale : 1);
      }
      const where = `${element.tagName.toLowerCase()}${typeof element.className === "string" && element.className ? `.${element.className.split(" ")[0]}` : element.getAttribute("class") ? `.${element.getAttribute("class")!.split(" ")[0]}` : ""}`;
      pieces.push({
        text: text.slice(0, 40),
        px: Math.round(px * 100) / 100,
        left: box.left,
        top: box.top,
        right: box.right,
        bottom: box.bottom,
        where,
      });
    }
  }
  return pieces;
}

/**
 * What is wrong with the text of the diagram in `widgetSelector`, in words: two texts whose
 * boxes overlap, a text cut by the diagram's edge, a message dot drawn before it was placed
 * (at the diagram's corner).
 */
export function diagramTextProblems(widgetSelector: string): string[] {
  const problems: string[] = [];
  const svg = document.querySelector(`${widgetSelector} svg.diagram`);
  if (!svg) return [`no diagram in ${widgetSelector}`];
  const frame = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll("text")]
    .filter((text) => text.textContent?.trim() && text.checkVisibility({ opacityProperty: true, visibilityProperty: true }))
    .map((text) => ({
      text: text.textContent!.trim(),
      box: text.getBoundingClientRect(),
      what: text.getAttribute("class") ?? text.closest("[class]")?.getAttribute("class") ?? "text",
    }));
  const tolerance = 0.5;
  for (const [index, a] of texts.entries()) {
    if (
      a.box.left < frame.left - tolerance ||
      a.box.right > frame.right + tolerance ||
      a.box.top < frame.top - tolerance ||
      a.box.bottom > frame.bottom + tolerance
    ) {
      problems.push(`"${a.text}" (${a.what}) is cut by the diagram's edge`);
    }
    for (const b of texts.slice(index + 1)) {
      const across = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
      const down = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
      if (across > tolerance && down > tolerance) problems.push(`"${a.text}" (${a.what}) overlaps "${b.text}" (${b.what})`);
    }
  }
  for (const dot of svg.querySelectorAll(".message"))
    if (!dot.getAttribute("transform")) problems.push("a message dot drawn at the diagram's corner");
  return problems;
}
