/**
 * HTTP as bytes over a raw TCP socket: for requests no HTTP client would send (a target the
 * URL parser rejects, a Range past what a number holds, a header without a colon), and for
 * connecting from a chosen local address, as a machine elsewhere on the network would.
 */
import { connect } from "node:net";

export interface RawAnswer {
  /** The status code, or undefined when the connection closed without a status line. */
  status: number | undefined;
  /** The response's head (status line and headers) as text, or what arrived before the close. */
  head: string;
  /** The bytes of body that arrived with the head (not necessarily all of it). */
  body: string;
}

/**
 * Sends `request` as it is and reads the answer's head. Resolves once the head has arrived (the
 * socket is then closed) or the server closed the connection, or after `timeoutMs` with what
 * arrived so far.
 */
export function sendRaw(
  port: number,
  request: string | Buffer,
  { host = "127.0.0.1", localAddress, timeoutMs = 10_000 }: { host?: string; localAddress?: string; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect({ port, host, ...(localAddress ? { localAddress } : {}) });
    let received = Buffer.alloc(0);
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = received.toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      const head = end === -1 ? text : text.slice(0, end);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
      resolve({ status: status === undefined ? undefined : Number(status), head, body: end === -1 ? "" : text.slice(end + 4) });
    };
    const timer = setTimeout(settle, timeoutMs);
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      // The head, and a short body with it when it says how long it is.
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text)?.[1] ?? 0);
      if (end !== -1 && received.length >= end + 4 + Math.min(length, 4096)) settle();
    });
    socket.on("error", settle);
    socket.on("close", settle);
  });
}

/** A request line and headers as HTTP/1.1 writes them, with Connection: close unless headers say otherwise. */
export function rawRequest(requestLine: string, headers: Record<string, string>): string {
  const lines = Object.entries({ connection: "close", ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `${requestLine}\r\n${lines.join("\r\n")}\r\n\r\n`;
}
