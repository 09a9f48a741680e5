/**
 * A viewer of a shared deck follows the presenter's slide by default, so a run the presenter
 * starts is on the viewer's screen as it happens. A "Follow the presenter" toggle lets the
 * viewer wander: moving to another slide by themselves turns following off, and pressing the
 * toggle goes back to wherever the presenter is.
 *
 * Lifecycle: render() builds the toggle, bind()/unbind() follow the bridge, update() hears of
 * the viewer's own moves, destroy() removes it.
 */
import type { BridgeClient } from "./bridge-client.js";

export class FollowPresenter {
  readonly element = document.createElement("button");
  readonly #client: BridgeClient;
  readonly #go: (slideId: string) => void;
  #following = true;
  #presenterSlide: string | undefined;
  /** Set while this toggle moves the deck, so the move is not taken for the viewer's own. */
  #going = false;
  #stopListening: (() => void) | undefined;

  constructor(client: BridgeClient, go: (slideId: string) => void) {
    this.#client = client;
    this.#go = go;
  }

  /** Builds the toggle into `parent`, pressed. */
  render(parent: HTMLElement): void {
    this.element.type = "button";
    this.element.className = "follow-presenter";
    this.element.textContent = "Follow the presenter";
    this.element.title = "Go where the presenter goes; move yourself to look around";
    this.element.addEventListener("click", () => this.#setFollowing(!this.#following));
    parent.append(this.element);
    this.#setFollowing(true);
  }

  bind(): void {
    this.#stopListening ??= this.#client.onPresenterSlide((slide) => {
      this.#presenterSlide = slide;
      this.element.dataset.presenterSlide = slide;
      if (this.#following) this.#goToPresenter();
    });
  }

  unbind(): void {
    this.#stopListening?.();
    this.#stopListening = undefined;
  }

  /** The viewer's deck now shows `slideId`: when not by this toggle's doing, the viewer is wandering. */
  update(slideId: string): void {
    if (!this.#going && this.#following && slideId !== this.#presenterSlide && this.#presenterSlide !== undefined)
      this.#setFollowing(false);
  }

  destroy(): void {
    this.unbind();
    this.element.remove();
  }

  #setFollowing(following: boolean): void {
    this.#following = following;
    this.element.setAttribute("aria-pressed", String(following));
    if (following) this.#goToPresenter();
  }

  #goToPresenter(): void {
    if (this.#presenterSlide === undefined) return;
    this.#going = true;
    this.#go(this.#presenterSlide);
    this.#going = false;
  }
}
