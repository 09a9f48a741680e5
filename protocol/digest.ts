import { hash } from "node:crypto";
import type { FramePreview } from "./report-types.js";

/** How much of a frame a preview keeps: enough for a label and the inspector. */
export const PREVIEW_BYTES = 64;
/** A digest's length in bytes; as text it is twice as many hex digits. */
export const DIGEST_BYTES = 8;
/**
 * Messages up to this many bytes (frames and their length prefixes) are hashed in JavaScript;
 * bigger ones by the native SHA-1, which is faster once the copy it needs is worth making.
 */
const SMALL_MESSAGE_BYTES = 1024;

export type Frame = Buffer | Uint8Array | string;

export function toBuffer(frame: Frame): Buffer {
  if (typeof frame === "string") return Buffer.from(frame, "utf8");
  return Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}

// Two 32-bit lanes of MurmurHash3's mixing, seeded apart, make the 64-bit digest of a small
// message: no copy and no call into C++, a few hundred nanoseconds less per message than the
// SHA-1 it replaces at `fast`'s rate. Not a defence against crafted collisions, and needs not
// be: a collision only pairs two equal-looking messages' dots the other way round.
let lane1 = 0;
let lane2 = 0;

function mixWord(word: number): void {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  lane1 ^= k;
  lane1 = (lane1 << 13) | (lane1 >>> 19);
  lane1 = (Math.imul(lane1, 5) + 0xe6546b64) | 0;
  k = Math.imul(word, 0x85ebca6b);
  k = (k << 17) | (k >>> 15);
  k = Math.imul(k, 0xc2b2ae35);
  lane2 ^= k;
  lane2 = (lane2 << 19) | (lane2 >>> 13);
  lane2 = (Math.imul(lane2, 9) + 0x38b34ae5) | 0;
}

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function framedLength(frames: readonly Uint8Array[]): number {
  let length = 0;
  for (const frame of frames) length += 4 + frame.length;
  return length;
}

/**
 * Writes the digest of a message's frames, in order, as DIGEST_BYTES bytes at `offset`.
 * Sender and receiver compute it from the same bytes, so the bridge can pair a receive with
 * its send without touching what goes on the wire; equal messages have equal digests.
 * Runs for every message reported one by one, so a small message allocates nothing.
 */
export function digestInto(frames: readonly Uint8Array[], target: Uint8Array, offset: number): void {
  const length = framedLength(frames);
  if (length > SMALL_MESSAGE_BYTES) {
    target.set(sha1Head(frames, length), offset);
    return;
  }
  lane1 = 0x9747b28c;
  lane2 = 0x5bd1e995;
  for (const frame of frames) {
    // The length goes in first, so ["ab","c"] and ["a","bc"] stay apart.
    mixWord(frame.length);
    const words = frame.length & ~3;
    let i = 0;
    for (; i < words; i += 4) mixWord(frame[i]! | (frame[i + 1]! << 8) | (frame[i + 2]! << 16) | (frame[i + 3]! << 24));
    if (i < frame.length) {
      let tail = 0;
      for (let shift = 0; i < frame.length; i++, shift += 8) tail |= frame[i]! << shift;
      mixWord(tail);
    }
  }
  const h1 = finish(lane1 ^ lane2, length);
  const h2 = finish(lane2 + h1, length);
  target[offset] = h1 >>> 24;
  target[offset + 1] = h1 >>> 16;
  target[offset + 2] = h1 >>> 8;
  target[offset + 3] = h1;
  target[offset + 4] = h2 >>> 24;
  target[offset + 5] = h2 >>> 16;
  target[offset + 6] = h2 >>> 8;
  target[offset + 7] = h2;
}

/** The first DIGEST_BYTES of the SHA-1 of the length-prefixed frames, hashed in one call. */
function sha1Head(frames: readonly Uint8Array[], length: number): Buffer {
  const framed = Buffer.allocUnsafe(length);
  let offset = 0;
  for (const frame of frames) {
    offset = framed.writeUInt32BE(frame.length, offset);
    framed.set(frame, offset);
    offset += frame.length;
  }
  return hash("sha1", framed, "buffer").subarray(0, DIGEST_BYTES);
}

const digestScratch = Buffer.alloc(DIGEST_BYTES);

/** The digest of a message's frames as hex, as reports carry it (see digestInto). */
export function digestFrames(frames: readonly Uint8Array[]): string {
  digestInto(frames, digestScratch, 0);
  return digestScratch.toString("hex");
}

function isPrintable(text: string): boolean {
  // Replacement characters mean the bytes were not valid UTF-8; control characters other than
  // tab and newlines would garble a label.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
  return !/[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text);
}

/** Whether every byte is printable ASCII, tab or a newline: then the text is the bytes as they are. */
function isPlainAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte >= 0x20 ? byte > 0x7e : byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false;
  }
  return true;
}

/**
 * The preview of a frame of `size` bytes from its first bytes (`bytes[start..end)`, at most
 * PREVIEW_BYTES): the bridge has only those, from the report, and they label the same as the
 * whole frame would.
 */
export function previewHead(bytes: Buffer, start: number, end: number, size: number): FramePreview {
  // Most frames are plain ASCII text, where UTF-8 decoding and the pattern would agree.
  if (isPlainAscii(bytes, start, end)) return { text: bytes.toString("latin1", start, end), binary: false, size };
  const text = bytes.toString("utf8", start, end);
  if (isPrintable(text)) return { text, binary: false, size };
  return { text: bytes.toString("hex", start, end), binary: true, size };
}

export function previewFrame(frame: Buffer): FramePreview {
  return previewHead(frame, 0, Math.min(frame.length, PREVIEW_BYTES), frame.length);
}
