/**
 * Light or dark, beside the system's setting: a small button cycles the deck (and the tutorial)
 * through "as the system", light and dark, and the choice is kept in this browser
 * (localStorage), so it survives a reload. The colours themselves are in theme.css, each once
 * with light-dark(); the switch only sets data-theme on the page's root.
 *
 * Lifecycle: render() builds the button and applies the kept choice, destroy() removes it.
 */
export type ThemeChoice = "system" | "light" | "dark";

export const THEME_KEY = "zmq-from-scratch:theme";
const ORDER: ThemeChoice[] = ["system", "light", "dark"];
const WORDS: Record<ThemeChoice, string> = { system: "Theme: system", light: "Theme: light", dark: "Theme: dark" };

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** The kept choice, or the system's when none was made (or storage is refused). */
export function keptTheme(): ThemeChoice {
  const kept = storage()?.getItem(THEME_KEY);
  return kept === "light" || kept === "dark" ? kept : "system";
}

/** Puts a choice in force on the page. */
export function applyTheme(choice: ThemeChoice): void {
  if (choice === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

export class ThemeSwitch {
  readonly element = document.createElement("button");
  #choice: ThemeChoice = keptTheme();

  /** Builds the button into `parent`, and applies the kept choice. */
  render(parent: HTMLElement): void {
    this.element.type = "button";
    this.element.className = "theme-switch";
    this.element.addEventListener("click", () => this.#choose(ORDER[(ORDER.indexOf(this.#choice) + 1) % ORDER.length]!));
    parent.append(this.element);
    this.#choose(this.#choice);
  }

  destroy(): void {
    this.element.remove();
  }

  #choose(choice: ThemeChoice): void {
    this.#choice = choice;
    applyTheme(choice);
    if (choice === "system") storage()?.removeItem(THEME_KEY);
    else storage()?.setItem(THEME_KEY, choice);
    this.element.textContent = WORDS[choice];
    this.element.title = "Light or dark: as the system says, or always light, or always dark (kept in this browser)";
    this.element.setAttribute("aria-label", `${WORDS[choice]}; press for the next`);
  }
}
