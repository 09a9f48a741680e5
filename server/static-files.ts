/**
 * The built deck's files (dist/), served as they are on disk at each request. GET and HEAD
 * only; nothing outside the folder and no dotfile; `/x` finds `x.html`, `/x/` finds
 * `x/index.html`; a weak ETag, and one byte range at most (byte-range.ts).
 *
 * Written for the bridge rather than taken from a static-file package because every failure
 * must end in an answer to its own request: a Range past what a number holds, or backwards,
 * reached fs.createReadStream and threw out of the handler; a file that could not be opened
 * (too many open files) or that a rebuild had removed failed its read stream with nobody
 * listening. Either ended the bridge, and every run with it, in front of the audience.
 */
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { rangeOf } from "./byte-range.js";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
};

/** Why a request was answered with an error, for the one line the bridge logs about it. */
class FileServeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Errors of opening a file that mean "not here" rather than "the bridge is failing". */
const ABSENT = new Set(["ENOENT", "ENOTDIR", "EISDIR", "ENAMETOOLONG", "ELOOP"]);
const OUT_OF_FILES = new Set(["EMFILE", "ENFILE"]);

/** Answers with a short text, for a person reading what came back. */
export function answerText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

/** The files a request path may name, absolute, in the order they are tried; empty when it may name none. */
function candidates(root: string, pathname: string): string[] {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    throw new FileServeError(400, `the path ${JSON.stringify(pathname.slice(0, 200))} is not valid percent-encoding`);
  }
  if (decoded.includes("\0") || decoded.includes("\\")) throw new FileServeError(400, "the path holds a character no file of the deck has");
  // No dotfiles (dist/.built is the build's stamp), no way out of the folder.
  if (decoded.split("/").some((segment) => segment.startsWith("."))) return [];
  const names = decoded.endsWith("/") ? [`${decoded}index.html`] : [decoded, `${decoded}.html`];
  return names.map((name) => resolve(root, `.${name}`)).filter((file) => file.startsWith(`${root}${sep}`));
}

/** Opens the first of `files` that is a regular file; undefined when none is. */
async function openFirst(files: string[]): Promise<{ file: string; handle: FileHandle; size: number; modified: Date } | undefined> {
  for (const file of files) {
    let handle: FileHandle;
    try {
      handle = await open(file, "r");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      if (ABSENT.has(code)) continue;
      if (OUT_OF_FILES.has(code))
        throw new FileServeError(503, `cannot open ${file}: the bridge has too many files open (${code}); try again`);
      throw new FileServeError(500, `cannot open ${file}: ${(error as Error).message}`);
    }
    try {
      const stats = await handle.stat();
      if (stats.isFile()) return { file, handle, size: stats.size, modified: stats.mtime };
    } catch (error) {
      await handle.close().catch(() => {});
      throw new FileServeError(500, `cannot read ${file}: ${(error as Error).message}`);
    }
    await handle.close().catch(() => {});
  }
  return undefined;
}

/**
 * Answers `request` for `pathname` (percent-encoded, as sent) from `root`; resolves once the
 * answer has been sent or the connection has gone. Never rejects: whatever fails is answered
 * with a 4xx or 5xx (or, once the body has begun, ends the connection) and passed to `log`.
 */
export async function serveFile(
  root: string,
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  log: (message: string) => void,
): Promise<void> {
  let opened: Awaited<ReturnType<typeof openFirst>>;
  try {
    if (request.method !== "GET" && request.method !== "HEAD") {
      answerText(response, 405, "The deck's files can only be read (GET or HEAD).\n", { allow: "GET, HEAD" });
      return;
    }
    opened = await openFirst(candidates(root, pathname));
  } catch (error) {
    const status = error instanceof FileServeError ? error.status : 500;
    log(`${request.method} ${pathname.slice(0, 200)}: ${status} (${(error as Error).message})`);
    if (!response.headersSent)
      answerText(response, status, status === 503 ? "The bridge is busy; try again in a moment.\n" : "This request cannot be served.\n");
    return;
  }
  if (!opened) {
    answerText(response, 404, "Not found\n");
    return;
  }
  const { file, handle, size, modified } = opened;
  const etag = `W/"${size}-${modified.getTime()}"`;
  const headers: Record<string, string> = {
    "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
    "last-modified": modified.toUTCString(),
    etag,
    "cache-control": "no-cache",
    "accept-ranges": "bytes",
  };
  if (request.headers["if-none-match"] === etag) {
    await handle.close().catch(() => {});
    response.writeHead(304, headers);
    response.end();
    return;
  }
  // If-Range names the version the client holds a part of; another version is sent whole.
  const ifRange = request.headers["if-range"];
  const range = ifRange === undefined || ifRange === etag ? rangeOf(request.headers.range, size) : { kind: "whole" as const };
  if (range.kind === "refused") {
    await handle.close().catch(() => {});
    log(
      `${request.method} ${pathname.slice(0, 200)}: 416 (Range ${JSON.stringify(String(request.headers.range).slice(0, 100))} of a ${size}-byte file)`,
    );
    answerText(response, 416, "That byte range cannot be served: one range of bytes within the file, start before end.\n", {
      "content-range": `bytes */${size}`,
    });
    return;
  }
  const start = range.kind === "part" ? range.start : 0;
  const end = range.kind === "part" ? range.end : size - 1;
  headers["content-length"] = String(size === 0 ? 0 : end - start + 1);
  if (range.kind === "part") headers["content-range"] = `bytes ${start}-${end}/${size}`;
  response.writeHead(range.kind === "part" ? 206 : 200, headers);
  if (request.method === "HEAD" || size === 0) {
    await handle.close().catch(() => {});
    response.end();
    return;
  }
  try {
    await pipeline(handle.createReadStream({ start, end }), response);
  } catch (error) {
    // The client left, or the read failed part-way: the headers are gone, so the connection ends short.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ERR_STREAM_PREMATURE_CLOSE")
      log(`${request.method} ${pathname.slice(0, 200)}: the file could not be sent whole (${(error as Error).message})`);
    response.destroy();
  }
}
