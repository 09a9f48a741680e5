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

export class ReadingLayout {
  readonly #deck: RevealApi;
  #slides: HTMLElement[] = [];
  #frame = 0;
  #keepReachable: MutationObserver | undefined;
  /** Set while this layout moves the deck itself, so the move does not scroll back. */
  #settingSlide = false;
  readonly #onSlideChanged = (event: Event) => {
    if (this.#settingSlide) return;
    (event as unknown as { currentSlide: HTMLElement }).currentSlide.scrollIntoView({ block: "start" });
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
    this.#slides = [...this.#deck.getSlidesElement()!.querySelectorAll<HTMLElement>(":scope > section")];
    this.#deck.getCurrentSlide()?.scrollIntoView({ block: "start" });
  }

  bind(): void {
    this.#deck.on("slidechanged", this.#onSlideChanged);
    window.addEventListener("scroll", this.#onScroll, { passive: true });
    const reachable = (slide: Element) => {
      for (const attribute of ["inert", "hidden", "aria-hidden"]) if (slide.hasAttribute(attribute)) slide.removeAttribute(attribute);
    };
    this.#keepReachable = new MutationObserver((changes) => {
      for (const change of changes) reachable(change.target as Element);
    });
    for (const slide of this.#slides) {
      reachable(slide);
      this.#keepReachable.observe(slide, { attributes: true, attributeFilter: ["inert", "hidden", "aria-hidden"] });
    }
  }

  unbind(): void {
    this.#deck.off("slidechanged", this.#onSlideChanged);
    window.removeEventListener("scroll", this.#onScroll);
    this.#keepReachable?.disconnect();
    this.#keepReachable = undefined;
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }

  /** Makes the slide being read the deck's current one. */
  update(): void {
    const line = innerHeight * READING_LINE;
    let reading = this.#slides[0];
    for (const slide of this.#slides) if (slide.getBoundingClientRect().top <= line) reading = slide;
    if (!reading || reading === this.#deck.getCurrentSlide()) return;
    this.#settingSlide = true;
    this.#deck.slide(this.#slides.indexOf(reading));
    this.#settingSlide = false;
  }

  destroy(): void {
    this.unbind();
    document.documentElement.classList.remove("reading", "narrow");
  }
}
