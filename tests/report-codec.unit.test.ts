import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { digestFrames, previewFrame } from "../protocol/digest.js";
import { MAX_BATCH_BYTES, ReportBatchError, ReportStreamReader, ReportWriter, decodeBatch } from "../protocol/report-codec.js";
import type { ChildReport, ChildReportBatch, MessageReport } from "../protocol/report-types.js";
import { DemoProcess } from "../server/process-group.js";

/** The report zmq.ts would have made as an object for this message: what the bridge must get back. */
function expected(kind: "send" | "recv", t: number, socket: number, seq: number, frames: Buffer[], body = frames): MessageReport {
  const size = frames.reduce((total, frame) => total + frame.length, 0);
  return { kind, t, socket, seq, digest: digestFrames(body), size, frames: frames.map(previewFrame) };
}

/** The reports of one batch as it goes on the pipe (its length prefix first). */
function decodeReports(onPipe: Uint8Array): ChildReport[] {
  return decodeBatch(onPipe.subarray(4)).reports;
}

function roundTrip(write: (writer: ReportWriter) => void): ChildReport[] {
  const writer = new ReportWriter();
  write(writer);
  // A copy, as the pipe hands the bridge its own bytes.
  return decodeReports(Buffer.from(writer.take(0)));
}

const rareReports: ChildReport[] = [
  { kind: "socket", t: 1.5, socket: 0, type: "ROUTER" },
  { kind: "bound", t: 2, socket: 0, requested: "tcp://127.0.0.1:*", endpoint: "tcp://127.0.0.1:40123" },
  { kind: "connecting", t: 3, socket: 1, endpoint: "ipc:///tmp/zmq-run-x/backend" },
  { kind: "monitor", t: 4, socket: 1, event: "handshake", endpoint: "tcp://127.0.0.1:40123" },
  { kind: "monitor", t: 4.5, socket: 1, event: "close" },
  { kind: "error", t: 5, socket: 0, code: "EFSM", message: "Operation cannot be accomplished in current state" },
  { kind: "error", t: 5.5, code: "ERROR", message: "worker failed: ünïcode ✓" },
  { kind: "filters", t: 6, socket: 0, filters: ["", "weather.", "café"] },
  { kind: "send-waiting", t: 7, socket: 0, waiting: true },
  { kind: "send-waiting", t: 7.25, socket: 0, waiting: false },
  { kind: "flow", t: 8, socket: 2, direction: "recv", count: 123_456, bytes: 7_901_184 },
  { kind: "tally", t: 9, sent: 10, received: 12 },
];

describe("report batches between a demo process and the bridge", () => {
  it("every rare kind of report comes back as it was written", () => {
    assert.deepEqual(
      roundTrip((writer) => rareReports.forEach((report) => writer.json(report))),
      rareReports,
    );
  });

  it("a message comes back as the report object it stands for: time, socket, seq, digest, size and previews", () => {
    const hello = [Buffer.from("Hello")];
    const reports = roundTrip((writer) => {
      writer.message("send", 1234.000123, 3, 1, hello, hello);
      writer.message("recv", 1234.5, 0, 2 ** 40, hello, hello);
    });
    assert.deepEqual(reports, [expected("send", 1234.000123, 3, 1, hello), expected("recv", 1234.5, 0, 2 ** 40, hello)]);
    assert.equal((reports[0] as MessageReport).digest.length, 16);
    assert.deepEqual((reports[0] as MessageReport).frames, [{ text: "Hello", binary: false, size: 5 }]);
  });

  it("a multi-frame message keeps every frame's preview, and its digest is of the body without the envelope", () => {
    const identity = Buffer.from([0, 0x80, 0, 0x41, 0xa7]);
    const body = [Buffer.from("task"), Buffer.from("42")];
    const frames = [identity, Buffer.alloc(0), ...body];
    const [report] = roundTrip((writer) => writer.message("recv", 10, 1, 7, frames, body)) as MessageReport[];
    assert.deepEqual(report, expected("recv", 10, 1, 7, frames, body));
    assert.deepEqual(report!.frames, [
      { text: "00800041a7", binary: true, size: 5 },
      { text: "", binary: false, size: 0 },
      { text: "task", binary: false, size: 4 },
      { text: "42", binary: false, size: 2 },
    ]);
    // The REQ on the far side sent only the body: the same digest pairs them.
    assert.equal(report!.digest, digestFrames(body));
    assert.notEqual(report!.digest, digestFrames(frames));
  });

  it("binary, UTF-8, control-character and empty frames are labelled as previewFrame labels them", () => {
    const frames = [
      Buffer.from([0xde, 0xad, 0xbe, 0xef]),
      Buffer.from("tab\tand\nnewline"),
      Buffer.from("bell\u0007"),
      Buffer.from("naïve ✓ 東京"),
      // Cut mid-character by the 64-byte head: not printable as it stands, as before.
      Buffer.from(`${"a".repeat(63)}é`),
      Buffer.alloc(0),
    ];
    const [report] = roundTrip((writer) => writer.message("send", 1, 0, 1, frames, frames)) as MessageReport[];
    assert.deepEqual(report!.frames, frames.map(previewFrame));
    assert.deepEqual(
      report!.frames.map(({ binary }) => binary),
      [true, false, true, false, true, false],
    );
  });

  it("a message with no frames at all, and an empty frame alone, have different digests", () => {
    const reports = roundTrip((writer) => {
      writer.message("send", 1, 0, 1, [], []);
      writer.message("send", 2, 0, 2, [Buffer.alloc(0)], [Buffer.alloc(0)]);
    }) as MessageReport[];
    assert.deepEqual(reports, [expected("send", 1, 0, 1, []), expected("send", 2, 0, 2, [Buffer.alloc(0)])]);
    assert.notEqual(reports[0]!.digest, reports[1]!.digest);
  });

  it("a big frame travels as its first 64 bytes and its full size; its digest covers all of it", () => {
    const big = Buffer.alloc(1_000_000, "x");
    const changedAtEnd = Buffer.from(big);
    changedAtEnd[changedAtEnd.length - 1] = 0x79;
    const writer = new ReportWriter();
    writer.message("send", 1, 0, 1, [big], [big]);
    writer.message("send", 2, 0, 2, [changedAtEnd], [changedAtEnd]);
    const batch = Buffer.from(writer.take(0));
    assert.ok(batch.length < 400, `a big frame's report is small (${batch.length} bytes)`);
    const reports = decodeReports(batch) as MessageReport[];
    assert.deepEqual(reports, [expected("send", 1, 0, 1, [big]), expected("send", 2, 0, 2, [changedAtEnd])]);
    assert.deepEqual(reports[0]!.frames, [{ text: "x".repeat(64), binary: false, size: 1_000_000 }]);
    assert.notEqual(reports[0]!.digest, reports[1]!.digest);
  });

  it("equal messages get equal digests, and frames split differently do not", () => {
    assert.equal(digestFrames([Buffer.from("abc")]), digestFrames([Buffer.from("abc")]));
    assert.notEqual(digestFrames([Buffer.from("ab"), Buffer.from("c")]), digestFrames([Buffer.from("a"), Buffer.from("bc")]));
    assert.notEqual(digestFrames([Buffer.from("abcd")]), digestFrames([Buffer.from("abce")]));
    // Sizes around the switch from the JavaScript hash to SHA-1 still tell one byte apart.
    for (const size of [1019, 1020, 1021, 4096]) {
      const one = Buffer.alloc(size, "q");
      const other = Buffer.from(one);
      other[size >> 1] = 0x51;
      assert.notEqual(digestFrames([one]), digestFrames([other]), `size ${size}`);
      assert.equal(digestFrames([one]), digestFrames([Buffer.from(one)]), `size ${size}`);
    }
  });

  it("reports of all kinds keep their order, and the writer starts afresh after a take", () => {
    const ping = [Buffer.from("ping")];
    const order: ChildReport[] = [];
    const writer = new ReportWriter();
    const json = (report: ChildReport) => {
      writer.json(report);
      order.push(report);
    };
    json(rareReports[1]!);
    for (let seq = 1; seq <= 3000; seq++) {
      writer.message("send", seq, 0, seq, ping, ping);
      order.push(expected("send", seq, 0, seq, ping));
      if (seq % 1000 === 0) json({ kind: "send-waiting", t: seq, socket: 0, waiting: seq === 1000 });
    }
    json(rareReports.at(-1)!);
    // 3000 messages outgrow the first buffer: growing keeps what was written.
    assert.deepEqual(decodeReports(Buffer.from(writer.take(0))), order);
    assert.equal(writer.count, 0);
    writer.message("recv", 1, 0, 1, ping, ping);
    assert.deepEqual(decodeReports(Buffer.from(writer.take(0))), [expected("recv", 1, 0, 1, ping)]);
  });

  it("a batch cut short or garbled is refused with a clear error", () => {
    const writer = new ReportWriter();
    writer.json(rareReports[0]!);
    writer.message("send", 1, 0, 1, [Buffer.from("Hello"), Buffer.from("World")], [Buffer.from("Hello"), Buffer.from("World")]);
    const batch = Buffer.from(writer.take(0)).subarray(4);
    for (let cut = 1; cut < batch.length; cut++) {
      assert.throws(
        () => decodeBatch(batch.subarray(0, cut)),
        (error: Error) => error instanceof ReportBatchError && /cut short|garbled/.test(error.message),
        `cut at ${cut}`,
      );
    }
    // A header: one record, heard until 0.
    const oneRecord = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.throws(() => decodeBatch(Buffer.concat([oneRecord, Buffer.from([9, 1, 2, 3])])), {
      name: "ReportBatchError",
      message: /unknown record tag 9 at byte 12/,
    });
    const badJson = Buffer.concat([oneRecord, Buffer.from([3, 5, 0, 0, 0]), Buffer.from("{kind")]);
    assert.throws(() => decodeBatch(badJson), { name: "ReportBatchError", message: /JSON record at byte 12 does not parse/ });
    const notReport = Buffer.concat([oneRecord, Buffer.from([3, 2, 0, 0, 0]), Buffer.from("42")]);
    assert.throws(() => decodeBatch(notReport), { name: "ReportBatchError", message: /is not a report/ });
    // A frame count in the billions is refused before anything is made for it.
    const huge = Buffer.from(batch);
    const countAt = batch.indexOf(Buffer.from("Hello")) - 5 - 4;
    huge.writeUInt32LE(0xffffffff, countAt);
    assert.throws(() => decodeBatch(huge), { name: "ReportBatchError", message: /frames/ });
    assert.throws(() => decodeBatch(new Uint8Array(0)), { name: "ReportBatchError", message: /cut short/ });
    assert.deepEqual(decodeReports(new ReportWriter().take(0)), []);
  });

  it("a pipe's bytes, in chunks of any size, are cut into the batches written, each with its heardUntil", () => {
    const writer = new ReportWriter();
    const stream: Buffer[] = [];
    const written: ChildReportBatch[] = [];
    for (let batch = 1; batch <= 5; batch++) {
      const reports: ChildReport[] = [];
      for (let seq = 1; seq <= batch * 40; seq++) {
        const report: ChildReport = { kind: "send-waiting", t: seq, socket: batch, waiting: seq % 2 === 0 };
        writer.json(report);
        reports.push(report);
      }
      stream.push(Buffer.from(writer.take(batch * 1000.5)));
      written.push({ reports, heardUntil: batch * 1000.5 });
    }
    // An empty batch is a heartbeat: nothing to report, heard until then all the same.
    stream.push(Buffer.from(writer.take(9999)));
    written.push({ reports: [], heardUntil: 9999 });
    const bytes = Buffer.concat(stream);
    for (const chunkSize of [1, 3, 7, 64, 1000, bytes.length]) {
      const reader = new ReportStreamReader();
      const read: ChildReportBatch[] = [];
      for (let at = 0; at < bytes.length; at += chunkSize)
        for (const batch of reader.push(bytes.subarray(at, at + chunkSize))) read.push(decodeBatch(batch));
      assert.deepEqual(read, written, `chunks of ${chunkSize}`);
    }
  });

  it("a length no writer makes stops the reading of a stream with a clear error", () => {
    const reader = new ReportStreamReader();
    const bogus = Buffer.alloc(8);
    bogus.writeUInt32LE(MAX_BATCH_BYTES + 1, 0);
    assert.throws(() => reader.push(bogus), { name: "ReportBatchError", message: /report stream garbled/ });
  });

  it("the bridge ignores a garbled batch from a demo process, says so, and takes the next one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "report-codec-"));
    const script = join(dir, "garbler.mjs");
    // A real process on its real report pipe: a garbled batch (its one record cut short), then a good one, then it ends.
    writeFileSync(
      script,
      `import { writeSync } from "node:fs";
       const { ReportWriter } = await import(${JSON.stringify(new URL("../protocol/report-codec.js", import.meta.url).href)});
       const fd = Number(process.env.ZMQ_REPORT_FD);
       const writer = new ReportWriter();
       writer.json({ kind: "tally", t: 1, sent: 2, received: 3 });
       const good = Buffer.from(writer.take(5));
       const garbled = Buffer.from(good.subarray(0, good.length - 1));
       garbled.writeUInt32LE(garbled.length - 4, 0);
       writeSync(fd, garbled);
       writeSync(fd, good);
       process.exit(0);`,
    );
    const batches: ChildReportBatch[] = [];
    const logged: string[] = [];
    const child = new DemoProcess(script, [], {
      onReports: (batch) => batches.push(batch),
      onLine: () => {},
      onExit: () => {},
      log: (message) => logged.push(message),
    });
    await child.exited;
    assert.deepEqual(batches, [{ reports: [{ kind: "tally", t: 1, sent: 2, received: 3 }], heardUntil: 5 }]);
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, new RegExp(`^ignored a report batch from demo process ${child.pid}: report batch (cut short|garbled)`));
  });
});
