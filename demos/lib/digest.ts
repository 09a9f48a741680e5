import { hash } from "node:crypto";
import type { FramePreview } from "./report-types.js";

/** How much of a frame a preview keeps: enough for a label and the inspector. */
const PREVIEW_BYTES = 64;

export type Frame = Buffer | Uint8Array | string;

export function toBuffer(frame: Frame): Buffer {
  if (typeof frame === "string") return Buffer.from(frame, "utf8");
  return Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}

/**
 * A digest of a message's frames in order. Sender and receiver compute it from the same bytes,
 * so the bridge can pair a receive with its send without touching what goes on the wire.
 */
export function digestFrames(frames: Buffer[]): string {
  // Length-prefixed frames in one buffer, hashed in one call: a Hash object per message costs
  // more than copying the few bytes most messages have (and this runs for every message
  // reported one by one). The length prefix keeps ["ab","c"] and ["a","bc"] apart.
  let length = 0;
  for (const frame of frames) length += 4 + frame.length;
  const framed = Buffer.allocUnsafe(length);
  let offset = 0;
  for (const frame of frames) {
    offset = framed.writeUInt32BE(frame.length, offset);
    offset += frame.copy(framed, offset);
  }
  return hash("sha1", framed, "hex").slice(0, 16);
}

function isPrintable(text: string): boolean {
  // Replacement characters mean the bytes were not valid UTF-8; control characters other than
  // tab and newlines would garble a label.
  return !/[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text);
}

export function previewFrame(frame: Buffer): FramePreview {
  const head = frame.subarray(0, PREVIEW_BYTES);
  const text = head.toString("utf8");
  if (isPrintable(text)) return { text, binary: false, size: frame.length };
  return { text: head.toString("hex"), binary: true, size: frame.length };
}
