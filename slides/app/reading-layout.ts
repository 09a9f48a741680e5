/**
 * The deck on a phone. Scaled down whole, a 1280×720 slide on a 390 px screen is a letterbox
 * with 4 px text; reveal.js's scroll view scales it the same. Below READING_WIDTH the deck
 * reads as a column instead, as the tutorial does: every slide one after the other at its
 * natural size, text at reading size, each demo as wide as the screen with its diagram as tall
 * as it needs. reveal.js still keeps the current slide (the address, R, the arrow keys, a
 * viewer following the presenter): the slide being read becomes the current one, and moving
 * to a slide scrolls it into view. Every slide can be read, and used: what reveal.js sets to
 * keep the other slides out of reach (inert, hidden) is taken off again.
 *
 * Lifecycle: render() turns the page into the column, bind()/unbind() follow scrolling and
 * slide changes, destroy() lets them go.
 */
import type { RevealApi } from "reveal.js";

/** The slide whose top has passed this far down the screen is the one being read. */
const READING_LINE = 0.3;
/** How long the column takes to settle after a slide is shown: its demos load and lay out. */
const SETTLING_MS = 1500;

export class ReadingLayout {
  readonly #deck: RevealApi;
  #slides: HTMLElement[] = [];
  #frame = 0;
  #keepReachable: MutationObserver | undefined;
  /**
   * The slide being read and where its top was on screen: when slides above it change height
   * (their demos load and lay out), the column scrolls so that it stays put.
   */
  #anchor: { slide: HTMLElement; top: number } | undefined;
  #resizes: ResizeObserver | undefined;
  /**
   * Until then, a slide just shown stays the current one whatever the scroll position says:
   * the column is still settling (demos below the fold load and grow). Reading by hand ends it.
   */
  #settleUntil = 0;
  readonly #onReading = () => {
    this.#settleUntil = 0;
  };
  /** Set while this layout moves the deck itself, so the move does not scroll back. */
  #settingSlide = false;
  readonly #onSlideChanged = (event: Event) => {
    if (this.#settingSlide) return;
    this.#show((event as unknown as { currentSlide: HTMLElement }).currentSlide);
  };
  readonly #onScroll = () => {
    this.#frame ||= requestAnimationFrame(() => {
      this.#frame = 0;
      this.update();
    });
  };

  constructor(deck: RevealApi) {
    this.#deck = deck;
  }

  /** Marks the page as a column (theme.css lays it out) and shows the current slide. */
  render(): void {
    document.documentElement.classList.add("reading", "narrow");
    // Every slide one under the other: a vertical stack's slides (the adder's backup code) too.
    this.#slides = [
      ...this.#deck.getSlidesElement()!.querySelectorAll<HTMLElement>(":scope > section:not(.stack), :scope > section.stack > section"),
    ];
    const current = this.#deck.getCurrentSlide();
    if (current) this.#show(current);
  }

  bind(): void {
    this.#deck.on("slidechanged", this.#onSlideChanged);
    window.addEventListener("scroll", this.#onScroll, { passive: true });
    for (const type of ["wheel", "touchstart"]) window.addEventListener(type, this.#onReading, { passive: true });
    this.#resizes = new ResizeObserver(() => {
      if (!this.#anchor) return;
      const moved = this.#anchor.slide.getBoundingClientRect().top - this.#anchor.top;
      if (Math.abs(moved) >= 1) scrollBy(0, moved);
    });
    for (const slide of this.#slides) this.#resizes.observe(slide);
    const reachable = (slide: Element) => {
      for (const attribute of ["inert", "hidden", "aria-hidden"]) if (slide.hasAttribute(attribute)) slide.removeAttribute(attribute);
    };
    this.#keepReachable = new MutationObserver((changes) => {
      for (const change of changes) reachable(change.target as Element);
    });
    // A stack is kept reachable as its slides are: reveal.js hides it whole when it is not current.
    const stacks = [...this.#deck.getSlidesElement()!.querySelectorAll<HTMLElement>(":scope > section.stack")];
    for (const slide of [...stacks, ...this.#slides]) {
      reachable(slide);
      this.#keepReachable.observe(slide, { attributes: true, attributeFilter: ["inert", "hidden", "aria-hidden"] });
    }
  }

  unbind(): void {
    this.#deck.off("slidechanged", this.#onSlideChanged);
    window.removeEventListener("scroll", this.#onScroll);
    for (const type of ["wheel", "touchstart"]) window.removeEventListener(type, this.#onReading);
    this.#keepReachable?.disconnect();
    this.#keepReachable = undefined;
    this.#resizes?.disconnect();
    this.#resizes = undefined;
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }

  /** Makes the slide being read the deck's current one. */
  update(): void {
    if (performance.now() < this.#settleUntil) return;
    const line = innerHeight * READING_LINE;
    let reading = this.#slides[0];
    for (const slide of this.#slides) if (slide.getBoundingClientRect().top <= line) reading = slide;
    if (!reading) return;
    this.#anchor = { slide: reading, top: reading.getBoundingClientRect().top };
    if (reading === this.#deck.getCurrentSlide()) return;
    this.#settingSlide = true;
    const { h, v } = this.#deck.getIndices(reading);
    this.#deck.slide(h, v);
    this.#settingSlide = false;
  }

  /** Scrolls `slide` to the top of the column, and keeps it there while the column settles. */
  #show(slide: HTMLElement): void {
    slide.scrollIntoView({ block: "start" });
    this.#anchor = { slide, top: slide.getBoundingClientRect().top };
    this.#settleUntil = performance.now() + SETTLING_MS;
  }

  destroy(): void {
    this.unbind();
    document.documentElement.classList.remove("reading", "narrow");
  }
}
