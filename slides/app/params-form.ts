/**
 * The demo's parameters as small controls beside the Run button: a number field for a count or
 * a rate, a menu for a choice (tcp or ipc, the fix on or off). Bounds come from the manifest,
 * the same the bridge enforces. A run takes the values as they are when it starts.
 */
import type { DemoManifest, ParamValues } from "../../protocol/manifest.js";
import { defaultParams, paramProblem } from "../../protocol/manifest.js";

export class ParamsForm {
  readonly element: HTMLElement;
  readonly #manifest: DemoManifest;
  readonly #controls = new Map<string, HTMLInputElement | HTMLSelectElement>();

  constructor(manifest: DemoManifest) {
    this.#manifest = manifest;
    this.element = document.createElement("div");
    this.element.className = "demo-params";
  }

  /** Builds one labelled control per parameter, at its preset value or else its default. */
  render(preset: ParamValues = {}): void {
    const defaults = { ...defaultParams(this.#manifest), ...preset };
    this.#controls.clear();
    this.element.replaceChildren();
    for (const [name, spec] of Object.entries(this.#manifest.params)) {
      const label = document.createElement("label");
      label.title = spec.label;
      const text = document.createElement("span");
      text.textContent = spec.unit ? `${name} ${spec.unit}` : name;
      let control: HTMLInputElement | HTMLSelectElement;
      if (spec.choices) {
        control = document.createElement("select");
        spec.choices.forEach((choice, offset) => control.append(new Option(choice, String(spec.min + offset))));
      } else {
        control = document.createElement("input");
        Object.assign(control, { type: "number", min: String(spec.min), max: String(spec.max), step: String(spec.step ?? 1) });
        // Wide enough for the largest value it takes, and the spinner beside it.
        control.style.width = `${String(spec.max).length + 3}ch`;
      }
      control.name = name;
      control.value = String(defaults[name]);
      control.setAttribute("aria-label", spec.label);
      label.append(text, control);
      this.element.append(label);
      this.#controls.set(name, control);
    }
  }

  /** The values to run with; a value out of bounds is put back in them, and the field says so. */
  values(): ParamValues {
    const values: ParamValues = {};
    for (const [name, spec] of Object.entries(this.#manifest.params)) {
      const control = this.#controls.get(name)!;
      let value = Number(control.value);
      if (paramProblem(spec, name, value)) {
        value = Math.min(spec.max, Math.max(spec.min, Number.isFinite(value) ? Math.round(value) : spec.default));
        control.value = String(value);
      }
      values[name] = value;
    }
    return values;
  }

  /** Parameters apply to a whole run, so they are fixed while one is live. */
  setDisabled(disabled: boolean): void {
    for (const control of this.#controls.values()) control.disabled = disabled;
  }
}
