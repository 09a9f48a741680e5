/**
 * reveal.js reads every key pressed anywhere on the page: Space and Enter move to the next
 * slide, arrows too. A viewer who tabs to a widget's button and presses Space means "press
 * this button", and arrows in a select mean "the next option". The keys a focused control
 * uses itself are kept from the deck; every other key (→ on a button, say) still drives it.
 */

/** Keys a button, or anything else that acts like one, answers. */
const BUTTON_KEYS = new Set([" ", "Enter"]);
/** Keys a form field answers (reveal.js leaves text inputs alone already, but not selects or ranges). */
const FIELD_KEYS = new Set([" ", "Enter", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"]);

function keysOf(target: Element): Set<string> | undefined {
  if (target.matches("input, select, textarea")) return FIELD_KEYS;
  if (target.matches("button, a[href], summary, [role='button'], [tabindex]")) return BUTTON_KEYS;
  return undefined;
}

/** Keeps a control's own keys inside `root`, so pressing them works the control and not the deck. */
export function keepControlKeysFromDeck(root: HTMLElement): void {
  root.addEventListener("keydown", (event) => {
    const target = event.target as Element;
    if (keysOf(target)?.has(event.key)) event.stopPropagation();
  });
}
