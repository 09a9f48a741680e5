/**
 * What part of a file a request's Range header asks for, decided before a byte is read. One
 * range of bytes is served; anything the bridge cannot serve exactly is refused (416) rather
 * than guessed at: several ranges (that would need a multipart body), a range whose end is
 * before its start, numbers too long to hold exactly, or a start past the file's end. A range
 * unit other than bytes is ignored, as RFC 9110 asks: the whole file is served.
 */

/** Whole: serve the file (no Range, or one to ignore). Part: bytes start..end, inclusive. Refused: answer 416. */
export type RangeAnswer = { kind: "whole" } | { kind: "part"; start: number; end: number } | { kind: "refused" };

/** Digits a position may have: 15 always fit a double exactly (2^53 has 16). */
const FIRST_LAST = /^(\d{1,15})-(\d{0,15})$/;
const SUFFIX = /^-(\d{1,15})$/;

export function rangeOf(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: "whole" };
  const equals = header.indexOf("=");
  if (equals === -1 || header.slice(0, equals).trim().toLowerCase() !== "bytes") {
    return equals === -1 ? { kind: "refused" } : { kind: "whole" };
  }
  const spec = header.slice(equals + 1).trim();
  const suffix = SUFFIX.exec(spec);
  if (suffix) {
    const length = Number(suffix[1]);
    if (length === 0 || size === 0) return { kind: "refused" };
    return { kind: "part", start: Math.max(0, size - length), end: size - 1 };
  }
  const span = FIRST_LAST.exec(spec);
  if (!span) return { kind: "refused" };
  const start = Number(span[1]);
  const end = span[2] === "" ? size - 1 : Number(span[2]);
  if (end < start || start >= size) return { kind: "refused" };
  return { kind: "part", start, end: Math.min(end, size - 1) };
}
