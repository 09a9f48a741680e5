/**
 * The binary form of a demo process's reports, as one batch travels to the bridge.
 *
 * A message reported one by one is the common report (hundreds of thousands a second at full
 * detail), so it is written straight into a reusable buffer — numbers, the digest's raw bytes,
 * each frame's size and first bytes — with no object or string made per message; the bridge
 * makes the report object, its hex digest and its previews. The rare reports (socket, bound,
 * monitor, tally, …) go as JSON records in the same stream, so every report keeps its place.
 *
 * On the report pipe a batch is its length in bytes (u32, the length itself not counted), so the
 * bridge can cut the stream into batches. A batch is its number of records (u32), so one cut
 * short anywhere is told; the time (f64) before which everything the process did is in this
 * batch or an earlier one (see report.ts, `heardUntil`); then the records, each starting with
 * its tag byte:
 *   send/recv: socket u32, seq f64, t f64, digest (DIGEST_BYTES), size f64, frame count u32,
 *              then per frame: size u32, head length u8, head bytes (at most PREVIEW_BYTES)
 *   json:      length u32, then that many bytes of UTF-8 JSON of one ChildReport
 * Numbers are little-endian.
 */
import { DIGEST_BYTES, PREVIEW_BYTES, digestInto, previewHead } from "./digest.js";
import type { ChildReport, ChildReportBatch, FramePreview, MessageReport } from "./report-types.js";

const TAG_SEND = 1;
const TAG_RECV = 2;
const TAG_JSON = 3;

/** A send or receive record's fixed part: tag, socket, seq, t, digest, size, frame count. */
const MESSAGE_FIXED_BYTES = 1 + 4 + 8 + 8 + DIGEST_BYTES + 8 + 4;
const FRAME_FIXED_BYTES = 4 + 1;
const INITIAL_BYTES = 64 * 1024;
/** A batch's length prefix on the pipe. */
const LENGTH_BYTES = 4;
/** A batch's header: record count, then heardUntil. */
const HEADER_BYTES = 4 + 8;
/** The longest batch a reader takes: far beyond any real batch, short of a garbled length's gigabytes. */
export const MAX_BATCH_BYTES = 64 * 1024 * 1024;

/** A batch the bridge cannot read: cut short, or not written by ReportWriter. */
export class ReportBatchError extends Error {
  override name = "ReportBatchError";
}

/** Appends reports to one growing buffer; `take` hands over what was written since the last. */
export class ReportWriter {
  #bytes = Buffer.allocUnsafe(INITIAL_BYTES);
  #view = new DataView(this.#bytes.buffer, this.#bytes.byteOffset, this.#bytes.byteLength);
  /** Bytes written, the length prefix and header included. */
  #length = LENGTH_BYTES + HEADER_BYTES;
  #count = 0;

  /** Reports written since the last take. */
  get count(): number {
    return this.#count;
  }

  #reserve(bytes: number): void {
    const needed = this.#length + bytes;
    if (needed <= this.#bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.#bytes.length * 2));
    this.#bytes.copy(grown, 0, 0, this.#length);
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }

  /**
   * One message sent or received: `frames` as they went, `body` the frames both ends share
   * (without a ROUTER's or DEALER's envelope), from which the digest is made.
   */
  message(kind: "send" | "recv", t: number, socket: number, seq: number, frames: readonly Buffer[], body: readonly Buffer[]): void {
    let size = 0;
    let room = MESSAGE_FIXED_BYTES;
    for (const frame of frames) {
      size += frame.length;
      room += FRAME_FIXED_BYTES + Math.min(frame.length, PREVIEW_BYTES);
    }
    this.#reserve(room);
    const bytes = this.#bytes;
    const view = this.#view;
    let at = this.#length;
    bytes[at] = kind === "send" ? TAG_SEND : TAG_RECV;
    view.setUint32(at + 1, socket, true);
    view.setFloat64(at + 5, seq, true);
    view.setFloat64(at + 13, t, true);
    digestInto(body, bytes, at + 21);
    at += 21 + DIGEST_BYTES;
    view.setFloat64(at, size, true);
    view.setUint32(at + 8, frames.length, true);
    at += 12;
    for (const frame of frames) {
      const head = Math.min(frame.length, PREVIEW_BYTES);
      view.setUint32(at, frame.length, true);
      bytes[at + 4] = head;
      at += FRAME_FIXED_BYTES;
      // A short loop beats a call into C++ for the few bytes a head has.
      for (let i = 0; i < head; i++) bytes[at + i] = frame[i]!;
      at += head;
    }
    this.#length = at;
    this.#count += 1;
  }

  /** Any report, as JSON: for the rare kinds, whose cost does not matter. */
  json(report: ChildReport): void {
    const text = JSON.stringify(report);
    const most = Buffer.byteLength(text);
    this.#reserve(5 + most);
    const written = this.#bytes.write(text, this.#length + 5, "utf8");
    this.#bytes[this.#length] = TAG_JSON;
    this.#view.setUint32(this.#length + 1, written, true);
    this.#length += 5 + written;
    this.#count += 1;
  }

  /**
   * What was written since the last take, as one batch ready for the pipe (length prefix
   * first), and starts afresh. `heardUntil`: everything the process did before then is in this
   * batch or an earlier one. The bytes are the writer's own until the next write: write them
   * out before writing again.
   */
  take(heardUntil: number): Buffer {
    this.#view.setUint32(0, this.#length - LENGTH_BYTES, true);
    this.#view.setUint32(LENGTH_BYTES, this.#count, true);
    this.#view.setFloat64(LENGTH_BYTES + 4, heardUntil, true);
    const batch = this.#bytes.subarray(0, this.#length);
    this.#length = LENGTH_BYTES + HEADER_BYTES;
    this.#count = 0;
    return batch;
  }
}

/**
 * Cuts the bytes of a report pipe, as they arrive in chunks of any size, into batches (each
 * without its length prefix), in order.
 */
export class ReportStreamReader {
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  /** Takes a chunk; returns the batches it completes. Throws ReportBatchError on a length no writer makes. */
  push(chunk: Buffer): Buffer[] {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    const batches: Buffer[] = [];
    if (this.#pendingBytes < LENGTH_BYTES) return batches;
    let bytes = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingBytes);
    let at = 0;
    while (bytes.length - at >= LENGTH_BYTES) {
      const length = bytes.readUInt32LE(at);
      if (length < HEADER_BYTES || length > MAX_BATCH_BYTES)
        throw new ReportBatchError(`report stream garbled: a batch of ${length} bytes at byte ${at} of a chunk`);
      if (bytes.length - at - LENGTH_BYTES < length) break;
      batches.push(bytes.subarray(at + LENGTH_BYTES, at + LENGTH_BYTES + length));
      at += LENGTH_BYTES + length;
    }
    bytes = bytes.subarray(at);
    this.#pending = bytes.length === 0 ? [] : [bytes];
    this.#pendingBytes = bytes.length;
    return batches;
  }
}

function truncated(at: number, what: string, total: number): never {
  throw new ReportBatchError(`report batch cut short: ${what} at byte ${at} runs past its end (${total} bytes)`);
}

/** Reads one batch ReportWriter wrote, without its length prefix: its reports in order, and its heardUntil. Throws ReportBatchError. */
export function decodeBatch(batch: Uint8Array): ChildReportBatch {
  const bytes = Buffer.isBuffer(batch) ? batch : Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const total = bytes.length;
  if (total < HEADER_BYTES) truncated(0, "the batch header", total);
  const count = view.getUint32(0, true);
  const heardUntil = view.getFloat64(4, true);
  const reports: ChildReport[] = [];
  let at = HEADER_BYTES;
  while (at < total) {
    const tag = bytes[at]!;
    if (tag === TAG_SEND || tag === TAG_RECV) {
      const start = at;
      if (at + MESSAGE_FIXED_BYTES > total) truncated(start, "a message record", total);
      const socket = view.getUint32(at + 1, true);
      const seq = view.getFloat64(at + 5, true);
      const t = view.getFloat64(at + 13, true);
      const digest = bytes.toString("hex", at + 21, at + 21 + DIGEST_BYTES);
      at += 21 + DIGEST_BYTES;
      const size = view.getFloat64(at, true);
      const frameCount = view.getUint32(at + 8, true);
      at += 12;
      // Checked before anything is made for them: a garbled count must not allocate billions.
      if (at + frameCount * FRAME_FIXED_BYTES > total) truncated(start, "a message record's frames", total);
      const frames: FramePreview[] = new Array(frameCount);
      for (let i = 0; i < frameCount; i++) {
        if (at + FRAME_FIXED_BYTES > total) truncated(start, "a frame", total);
        const frameSize = view.getUint32(at, true);
        const head = bytes[at + 4]!;
        at += FRAME_FIXED_BYTES;
        if (head > PREVIEW_BYTES || head > frameSize)
          throw new ReportBatchError(`report batch garbled: a frame head of ${head} bytes at byte ${at - 1} (a frame of ${frameSize})`);
        if (at + head > total) truncated(start, "a frame's head", total);
        frames[i] = previewHead(bytes, at, at + head, frameSize);
        at += head;
      }
      const report: MessageReport = { kind: tag === TAG_SEND ? "send" : "recv", t, socket, seq, digest, size, frames };
      reports.push(report);
    } else if (tag === TAG_JSON) {
      if (at + 5 > total) truncated(at, "a JSON record", total);
      const length = view.getUint32(at + 1, true);
      if (at + 5 + length > total) truncated(at, "a JSON record", total);
      let report: unknown;
      try {
        report = JSON.parse(bytes.toString("utf8", at + 5, at + 5 + length));
      } catch (error) {
        throw new ReportBatchError(`report batch garbled: the JSON record at byte ${at} does not parse (${(error as Error).message})`);
      }
      if (typeof report !== "object" || report === null || typeof (report as { kind?: unknown }).kind !== "string") {
        throw new ReportBatchError(`report batch garbled: the JSON record at byte ${at} is not a report`);
      }
      reports.push(report as ChildReport);
      at += 5 + length;
    } else {
      throw new ReportBatchError(`report batch garbled: unknown record tag ${tag} at byte ${at}`);
    }
  }
  if (reports.length !== count) throw new ReportBatchError(`report batch cut short: ${reports.length} of its ${count} records are there`);
  return { reports, heardUntil };
}
