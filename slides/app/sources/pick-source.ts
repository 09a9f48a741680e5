/**
 * Picks a widget's run source, once, from where the page is: the PDF's print view, a preview
 * in reveal.js's speaker view, a viewer of a shared deck, or the presenter's own deck (live,
 * with its fallback to a recording).
 */
import { FallbackSource } from "./fallback-source.js";
import { MirrorSource } from "./mirror-source.js";
import type { RunSource, SourceContext } from "./run-source.js";
import { StillSource } from "./still-source.js";
import { WatchSource } from "./watch-source.js";

export function pickSource(mode: "live" | "mirror" | "print", viewing: boolean, context: SourceContext): RunSource {
  if (mode === "print") return new StillSource(context);
  if (mode === "mirror") return new MirrorSource(context);
  if (viewing) return new WatchSource(context);
  return new FallbackSource(context);
}
