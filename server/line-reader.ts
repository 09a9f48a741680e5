/**
 * Reads a stream of text line by line, holding at most `maxLength` characters of any line: a
 * demo that prints what a peer sent it (a 1 MB frame, say) cannot make the bridge hold that
 * line whole. The rest of a longer line is dropped as it arrives, and the line ends in "…".
 */
import type { Readable } from "node:stream";

export function readLines(stream: Readable, maxLength: number, onLine: (line: string) => void): void {
  let line = "";
  let cut = false;
  const take = (part: string) => {
    const room = maxLength - line.length;
    if (part.length > room) cut = true;
    if (room > 0) line += part.length > room ? part.slice(0, room) : part;
  };
  const finish = () => {
    if (line.endsWith("\r")) line = line.slice(0, -1);
    onLine(cut ? `${line}…` : line);
    line = "";
    cut = false;
  };
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    let from = 0;
    for (let newline = chunk.indexOf("\n"); newline !== -1; newline = chunk.indexOf("\n", from)) {
      take(chunk.slice(from, newline));
      finish();
      from = newline + 1;
    }
    take(chunk.slice(from));
  });
  stream.on("end", () => {
    if (line !== "" || cut) finish();
  });
}
