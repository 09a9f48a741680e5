/**
 * Pause, slow motion and normal speed of the diagram's travel animation, beside Run. They
 * change only what is drawn: the processes go on, events are still recorded and the counters
 * still count. The demo's own rate parameter is what changes the real processes.
 * Three buttons, one pressed (aria-pressed), each reached with Tab and pressed with Enter or Space.
 */
import type { AnimationSpeed } from "./diagram-flights.js";
import type { Panel } from "./panel.js";

const CHOICES: { speed: AnimationSpeed; text: string; label: string }[] = [
  { speed: "paused", text: "Pause", label: "Pause the animation (the processes go on)" },
  { speed: "slow", text: "Slow", label: "Slow motion: messages travel four times slower" },
  { speed: "normal", text: "Normal", label: "Normal speed" },
];

export class SpeedControls implements Panel {
  readonly element: HTMLElement;
  /** Called with the speed the viewer chose. */
  onChange: ((speed: AnimationSpeed) => void) | undefined;
  readonly #buttons = new Map<AnimationSpeed, HTMLButtonElement>();

  constructor() {
    this.element = document.createElement("div");
    this.element.className = "demo-speed";
    this.element.setAttribute("role", "group");
    this.element.setAttribute("aria-label", "Animation speed");
    // Its buttons' Space and Enter are kept from reveal.js by the widget (deck-keys.ts).
  }

  /** Builds the buttons, normal speed pressed. */
  render(): void {
    this.#buttons.clear();
    this.element.replaceChildren(
      ...CHOICES.map(({ speed, text, label }) => {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = text;
        button.title = label;
        button.dataset.speed = speed;
        button.addEventListener("click", () => {
          this.show(speed);
          this.onChange?.(speed);
        });
        this.#buttons.set(speed, button);
        return button;
      }),
    );
    this.show("normal");
  }

  /** The animation's pace is the viewer's: a run's events do not change it. */
  update(): void {}

  reset(): void {}

  destroy(): void {}

  /** Marks `speed` as the one in force. */
  show(speed: AnimationSpeed): void {
    for (const [choice, button] of this.#buttons) button.setAttribute("aria-pressed", String(choice === speed));
  }
}
