/**
 * Run events as one binary WebSocket frame per batch, for the deck's own pages: at full speed
 * JSON costs the bridge about 2.5 µs an event to write and the page as much to read, while this
 * costs a fraction of either. A page asks for it by offering the subprotocol
 * BINARY_EVENTS_PROTOCOL; every other message, and every other client, stays JSON text.
 *
 * Decoding gives back exactly the RunEvent objects the JSON form would (same kinds, fields and
 * values, in the same order). Shared by the bridge (encode) and the browser (decode): nothing
 * here may use a Node API.
 *
 * A frame, all numbers little-endian:
 *
 *   u8  FORMAT
 *   u32 byte offset of the string table
 *   u32 runId (a string index)
 *   u32 number of events, then the events in order, each a u8 tag and its fields:
 *     SEND / RECV  f64 t, str node, u32 socket, u32 seq, str digest, u32 size, frames
 *     DELIVER      f64 t, str node, str from, u32 fromSocket, str digest, u32 size, frames,
 *                  u32 sendSeq, u32 recvSeq, f64 latencyMs
 *     FLOW         f64 t, str node, u32 socket, u8 direction (0 send, 1 recv), u32 count, f64 bytes
 *     JSON         u32 length, the event as UTF-8 JSON: every other kind, and any hot event
 *                  whose values do not fit the fixed layout (so nothing is ever cut to fit)
 *   the string table: u32 count, then each string as u32 length and UTF-8 bytes
 *
 * `str` is an index into the string table: node names, digests and previews repeat from event
 * to event (a delivery repeats its send's), so each is written and read once per frame.
 * `frames` is a u32: NEW_FRAMES followed by u32 count and per frame u8 binary, u32 size, str
 * text; or the index of a frame list already written in this frame (a delivery carries its
 * send's very list), which the decoder then shares.
 */
import type { DeliverEvent, RunEvent } from "./messages.js";
import type { FlowReport, FramePreview, MessageReport } from "./report-types.js";

/** The WebSocket subprotocol by which a page asks for its events as binary frames. */
export const BINARY_EVENTS_PROTOCOL = "zmq-events.binary.v1";

const FORMAT = 1;
const TAG_JSON = 0;
const TAG_SEND = 1;
const TAG_RECV = 2;
const TAG_DELIVER = 3;
const TAG_FLOW = 4;
const NEW_FRAMES = 0xffffffff;

/** A binary frame that is not one this codec wrote: cut short, garbled, or of another format. */
export class EventCodecError extends Error {
  override readonly name = "EventCodecError";
}

function isU32(value: unknown): value is number {
  return typeof value === "number" && value >>> 0 === value;
}

/** A number JSON keeps as it is (JSON turns NaN and the infinities into null). */
function isFinite64(value: unknown): value is number {
  return typeof value === "number" && value - value === 0 && !Object.is(value, -0);
}

function framesFit(frames: unknown): frames is FramePreview[] {
  if (!Array.isArray(frames)) return false;
  for (const frame of frames as FramePreview[]) {
    if (
      typeof frame !== "object" ||
      frame === null ||
      typeof frame.text !== "string" ||
      typeof frame.binary !== "boolean" ||
      !isU32(frame.size)
    )
      return false;
  }
  return true;
}

function messageFits(event: MessageReport & { node: string }): boolean {
  return (
    isFinite64(event.t) &&
    typeof event.node === "string" &&
    isU32(event.socket) &&
    isU32(event.seq) &&
    typeof event.digest === "string" &&
    isU32(event.size) &&
    framesFit(event.frames)
  );
}

function deliverFits(event: DeliverEvent): boolean {
  return (
    isFinite64(event.t) &&
    typeof event.node === "string" &&
    typeof event.from === "string" &&
    isU32(event.fromSocket) &&
    typeof event.digest === "string" &&
    isU32(event.size) &&
    framesFit(event.frames) &&
    isU32(event.sendSeq) &&
    isU32(event.recvSeq) &&
    isFinite64(event.latencyMs)
  );
}

function flowFits(event: FlowReport & { node: string }): boolean {
  return (
    isFinite64(event.t) &&
    typeof event.node === "string" &&
    isU32(event.socket) &&
    (event.direction === "send" || event.direction === "recv") &&
    isU32(event.count) &&
    isFinite64(event.bytes)
  );
}

/**
 * Writes batches of events as binary frames. One encoder may serve every connection: encode()
 * runs to completion and returns a frame of its own.
 */
export class EventEncoder {
  #bytes = new Uint8Array(1 << 16);
  #view = new DataView(this.#bytes.buffer);
  #at = 0;
  readonly #strings = new Map<string, number>();
  readonly #stringList: string[] = [];
  readonly #frameLists = new Map<FramePreview[], number>();
  readonly #utf8 = new TextEncoder();

  /** One frame holding `events` of run `runId`, in order. */
  encode(runId: string, events: readonly RunEvent[]): Uint8Array {
    this.#at = 0;
    this.#strings.clear();
    this.#stringList.length = 0;
    this.#frameLists.clear();
    this.#room(13);
    this.#view.setUint8(0, FORMAT);
    this.#at = 5;
    this.#string(runId);
    this.#u32(events.length);
    for (const event of events) this.#event(event);
    const tableAt = this.#at;
    this.#u32(this.#stringList.length);
    for (const text of this.#stringList) this.#text(text);
    this.#view.setUint32(1, tableAt, true);
    const frame = this.#bytes.slice(0, this.#at);
    // Long strings are never kept past their frame.
    this.#strings.clear();
    this.#stringList.length = 0;
    this.#frameLists.clear();
    return frame;
  }

  #event(event: RunEvent): void {
    switch (event.kind) {
      case "send":
      case "recv":
        if (messageFits(event)) {
          this.#room(25);
          this.#view.setUint8(this.#at, event.kind === "send" ? TAG_SEND : TAG_RECV);
          this.#view.setFloat64(this.#at + 1, event.t, true);
          this.#at += 9;
          this.#string(event.node);
          this.#u32(event.socket);
          this.#u32(event.seq);
          this.#string(event.digest);
          this.#u32(event.size);
          this.#frames(event.frames);
          return;
        }
        break;
      case "deliver":
        if (deliverFits(event)) {
          this.#room(49);
          this.#view.setUint8(this.#at, TAG_DELIVER);
          this.#view.setFloat64(this.#at + 1, event.t, true);
          this.#at += 9;
          this.#string(event.node);
          this.#string(event.from);
          this.#u32(event.fromSocket);
          this.#string(event.digest);
          this.#u32(event.size);
          this.#frames(event.frames);
          this.#room(16);
          this.#u32(event.sendSeq);
          this.#u32(event.recvSeq);
          this.#view.setFloat64(this.#at, event.latencyMs, true);
          this.#at += 8;
          return;
        }
        break;
      case "flow":
        if (flowFits(event)) {
          this.#room(30);
          this.#view.setUint8(this.#at, TAG_FLOW);
          this.#view.setFloat64(this.#at + 1, event.t, true);
          this.#at += 9;
          this.#string(event.node);
          this.#u32(event.socket);
          this.#view.setUint8(this.#at, event.direction === "send" ? 0 : 1);
          this.#at += 1;
          this.#u32(event.count);
          this.#view.setFloat64(this.#at, event.bytes, true);
          this.#at += 8;
          return;
        }
        break;
    }
    this.#room(5);
    this.#view.setUint8(this.#at, TAG_JSON);
    this.#at += 1;
    this.#text(JSON.stringify(event));
  }

  #frames(frames: FramePreview[]): void {
    const known = this.#frameLists.get(frames);
    if (known !== undefined) return this.#u32(known);
    this.#frameLists.set(frames, this.#frameLists.size);
    this.#room(8 + frames.length * 9);
    this.#u32(NEW_FRAMES);
    this.#u32(frames.length);
    for (const frame of frames) {
      this.#view.setUint8(this.#at, frame.binary ? 1 : 0);
      this.#view.setUint32(this.#at + 1, frame.size, true);
      this.#at += 5;
      this.#string(frame.text);
    }
  }

  /** Writes the index of `text` in the string table, adding it there if new. */
  #string(text: string): void {
    let index = this.#strings.get(text);
    if (index === undefined) {
      index = this.#stringList.length;
      this.#strings.set(text, index);
      this.#stringList.push(text);
    }
    this.#u32(index);
  }

  #u32(value: number): void {
    this.#room(4);
    this.#view.setUint32(this.#at, value, true);
    this.#at += 4;
  }

  /** u32 byte length and the UTF-8 bytes of `text`. */
  #text(text: string): void {
    // UTF-8 takes at most three bytes per UTF-16 unit.
    this.#room(4 + text.length * 3);
    const bytes = this.#bytes;
    const start = this.#at + 4;
    let at = start;
    // Most strings are short ASCII (names, digests, previews): copied without the encoder's call.
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        at = start + this.#utf8.encodeInto(text, bytes.subarray(start)).written;
        break;
      }
      bytes[at++] = code;
    }
    this.#view.setUint32(this.#at, at - start, true);
    this.#at = at;
  }

  /** Makes room for `more` bytes after the write position. */
  #room(more: number): void {
    if (this.#at + more <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < this.#at + more) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#bytes.subarray(0, this.#at));
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }
}

/** Reads one frame the encoder wrote; throws EventCodecError for anything else. */
export function decodeEvents(frame: ArrayBuffer | Uint8Array): { runId: string; events: RunEvent[] } {
  const bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
  try {
    return new FrameReader(bytes).read();
  } catch (error) {
    if (error instanceof EventCodecError) throw error;
    // A DataView read past the end, or bytes TextDecoder will not take as UTF-8.
    throw new EventCodecError(`garbled events frame: ${(error as Error).message}`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

class FrameReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #at = 0;
  #strings: string[] = [];
  readonly #frameLists: FramePreview[][] = [];

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  read(): { runId: string; events: RunEvent[] } {
    if (this.#bytes.length < 13) throw new EventCodecError(`events frame too short: ${this.#bytes.length} bytes`);
    const format = this.#view.getUint8(0);
    if (format !== FORMAT) throw new EventCodecError(`events frame of format ${format}; this page reads format ${FORMAT}`);
    const tableAt = this.#view.getUint32(1, true);
    if (tableAt < 13 || tableAt > this.#bytes.length - 4) throw new EventCodecError("events frame's string table is out of bounds");
    this.#at = tableAt;
    this.#readStrings(this.#bytes.length);
    this.#at = 5;
    const runId = this.#string();
    const count = this.#u32();
    // Each event takes at least 5 bytes: a count beyond that is garbage, not a reason to allocate.
    if (count > (tableAt - this.#at) / 5) throw new EventCodecError(`events frame claims ${count} events in ${tableAt - this.#at} bytes`);
    const events: RunEvent[] = new Array(count);
    for (let i = 0; i < count; i++) {
      if (this.#at >= tableAt) throw new EventCodecError("events frame ends before its events do");
      events[i] = this.#event(tableAt);
    }
    if (this.#at !== tableAt) throw new EventCodecError("events frame has bytes between its events and its strings");
    return { runId, events };
  }

  #event(end: number): RunEvent {
    const view = this.#view;
    const tag = view.getUint8(this.#at);
    this.#at += 1;
    switch (tag) {
      case TAG_SEND:
      case TAG_RECV: {
        const t = this.#f64();
        const node = this.#string();
        const socket = this.#u32();
        const seq = this.#u32();
        const digest = this.#string();
        const size = this.#u32();
        const frames = this.#frames();
        return { kind: tag === TAG_SEND ? "send" : "recv", t, socket, seq, digest, size, frames, node };
      }
      case TAG_DELIVER: {
        const t = this.#f64();
        const node = this.#string();
        const from = this.#string();
        const fromSocket = this.#u32();
        const digest = this.#string();
        const size = this.#u32();
        const frames = this.#frames();
        const sendSeq = this.#u32();
        const recvSeq = this.#u32();
        const latencyMs = this.#f64();
        return { kind: "deliver", t, node, from, fromSocket, digest, size, frames, sendSeq, recvSeq, latencyMs };
      }
      case TAG_FLOW: {
        const t = this.#f64();
        const node = this.#string();
        const socket = this.#u32();
        const direction = view.getUint8(this.#at);
        this.#at += 1;
        if (direction > 1) throw new EventCodecError(`flow direction ${direction} is neither send nor recv`);
        const count = this.#u32();
        const bytes = this.#f64();
        return { kind: "flow", t, socket, direction: direction === 0 ? "send" : "recv", count, bytes, node };
      }
      case TAG_JSON: {
        const length = this.#u32();
        if (length > end - this.#at) throw new EventCodecError("a JSON event runs past the end of its frame");
        const text = utf8.decode(this.#bytes.subarray(this.#at, this.#at + length));
        this.#at += length;
        let event: unknown;
        try {
          event = JSON.parse(text);
        } catch {
          throw new EventCodecError("a JSON event in the frame is not valid JSON");
        }
        if (typeof event !== "object" || event === null || typeof (event as RunEvent).kind !== "string")
          throw new EventCodecError("a JSON event in the frame has no kind");
        return event as RunEvent;
      }
      default:
        throw new EventCodecError(`unknown event tag ${tag} at byte ${this.#at - 1}`);
    }
  }

  #frames(): FramePreview[] {
    const reference = this.#u32();
    if (reference !== NEW_FRAMES) {
      const known = this.#frameLists[reference];
      if (!known) throw new EventCodecError(`frame list ${reference} is not in the frame`);
      return known;
    }
    const count = this.#u32();
    if (count > (this.#bytes.length - this.#at) / 9) throw new EventCodecError(`a message claims ${count} frames`);
    const frames: FramePreview[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const binary = this.#view.getUint8(this.#at);
      if (binary > 1) throw new EventCodecError(`frame flag ${binary} is not a boolean`);
      const size = this.#view.getUint32(this.#at + 1, true);
      this.#at += 5;
      frames[i] = { text: this.#string(), binary: binary === 1, size };
    }
    this.#frameLists.push(frames);
    return frames;
  }

  #readStrings(end: number): void {
    const count = this.#u32();
    if (count > (end - this.#at) / 4) throw new EventCodecError(`events frame claims ${count} strings`);
    const strings: string[] = new Array(count);
    const bytes = this.#bytes;
    for (let i = 0; i < count; i++) {
      const length = this.#u32();
      const start = this.#at;
      const stop = start + length;
      if (stop > end) throw new EventCodecError("a string runs past the end of its frame");
      let ascii = length <= 256;
      for (let at = start; ascii && at < stop; at++) if (bytes[at]! >= 0x80) ascii = false;
      // Short ASCII is most strings; String.fromCharCode beats TextDecoder's call for those.
      strings[i] = ascii
        ? String.fromCharCode.apply(null, bytes.subarray(start, stop) as unknown as number[])
        : utf8.decode(bytes.subarray(start, stop));
      this.#at = stop;
    }
    if (this.#at !== end) throw new EventCodecError("events frame has bytes after its strings");
    this.#strings = strings;
  }

  #string(): string {
    const index = this.#u32();
    const text = this.#strings[index];
    if (text === undefined) throw new EventCodecError(`string ${index} is not in the frame's table`);
    return text;
  }

  #u32(): number {
    const value = this.#view.getUint32(this.#at, true);
    this.#at += 4;
    return value;
  }

  #f64(): number {
    const value = this.#view.getFloat64(this.#at, true);
    this.#at += 8;
    return value;
  }
}
