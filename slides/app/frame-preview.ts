/**
 * One message frame as a few characters of text: the diagram's label on a travelling message
 * (or a lost one), the live summary's sentence and the inspector's list of latest messages all
 * say a frame this way. Text stays text; a binary frame is shown in hex, except a subscription
 * (1 or 0, then a prefix), which reads as the talk writes it: "+weather", "−weather", "+(all)".
 */
import type { FramePreview } from "../../protocol/report-types.js";

/** A subscription frame's reading, from its hex; undefined for anything else. */
function subscriptionLabel(hex: string): string | undefined {
  const match = /^0([01])((?:[0-9a-f]{2})*)$/.exec(hex);
  if (!match) return undefined;
  const prefix = match[2]!.replace(/../g, (byte) => String.fromCharCode(parseInt(byte, 16)));
  if (/[^\x20-\x7e]/.test(prefix)) return undefined;
  return `${match[1] === "1" ? "+" : "−"}${prefix || "(all)"}`;
}

/**
 * Frame `index` of a message (negative counts from the end; the last frame when there is no
 * such frame), at most `maxChars` characters long, cut with "…"; "∅" for a message with none.
 */
export function framePreview(frames: readonly FramePreview[], index: number, maxChars: number): string {
  const frame = frames.at(index) ?? frames.at(-1);
  if (!frame) return "∅";
  const text = frame.binary ? (subscriptionLabel(frame.text) ?? `0x${frame.text}`) : frame.text;
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}
