/**
 * The HTTP side of the bridge: serves the built deck from dist/, or, in dev mode, Vite's
 * middleware with hot reload on the same server.
 *
 * No request, of any shape, may end the bridge: every handler answers inside a guard, so a
 * request that cannot be served gets a 4xx or 5xx, one (throttled) log line, and the bridge
 * goes on serving the others and running their demos. Every response carries the deck's
 * security headers (security-headers.ts); a request whose Host is not this server's is refused
 * (a name re-bound to 127.0.0.1 reads nothing); the TCP connections held at once are capped,
 * with room kept for this machine (connection-cap.ts).
 */
import { existsSync } from "node:fs";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { ConnectionCap, refuseConnection } from "./connection-cap.js";
import { LogThrottle } from "./log-throttle.js";
import { type RequestTarget, readRequestTarget } from "./request-target.js";
import { setSecurityHeaders } from "./security-headers.js";
import { answerText, serveFile } from "./static-files.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DIST_DIR = `${REPO_ROOT}dist`;
/** A browser sends a request's headers at once; one that dribbles them holds a connection for nothing. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** Decides before anything is served; answers the request itself and returns false to refuse it. */
export type RequestGate = (request: IncomingMessage, response: ServerResponse, target: RequestTarget) => boolean;

export interface HttpOptions {
  /** Who may be served (access.ts); everyone when left out. */
  gate?: RequestGate;
  /** Host:port values this server answers to; any when left out. */
  allowedHosts?(): ReadonlySet<string>;
  /** TCP connections at once, and how many of them only this machine may take. */
  connections: { total: number; keptForThisMachine: number };
  /** Where refusals and failures are told; stderr by default. */
  log?(message: string): void;
}

export interface DeckServer {
  server: Server;
  /** Shuts the dev middleware down, if there is one. */
  close(): Promise<void>;
}

/** Answers what the deck serves for one request whose target has been read. */
type Handler = (
  request: IncomingMessage,
  response: ServerResponse,
  target: RequestTarget,
  log: (message: string) => void,
) => void | Promise<void>;

/** The status Node's own parser would answer a request it could not read with. */
function clientErrorStatus(code: string | undefined): string {
  if (code === "HPE_HEADER_OVERFLOW") return "431 Request Header Fields Too Large";
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return "408 Request Timeout";
  return "400 Bad Request";
}

/** An HTTP server whose every request reaches `handle` inside the guards described above. */
function guardedServer(handle: Handler, options: HttpOptions): Server {
  const write = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const throttle = new LogThrottle((line) => write(`http: ${line}`));
  const log = (message: string) => throttle.log(message);
  const cap = new ConnectionCap(options.connections.total, options.connections.keptForThisMachine);

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    setSecurityHeaders(response);
    const target = readRequestTarget(request.url);
    if (!target) {
      log(`${request.method} ${JSON.stringify(String(request.url).slice(0, 200))}: 400 (not a path)`);
      answerText(response, 400, "The request's target must be a path, such as /.\n");
      return;
    }
    const host = request.headers.host ?? "";
    if (options.allowedHosts && !options.allowedHosts().has(host)) {
      log(`${request.method} ${target.pathname.slice(0, 200)}: 421 (Host ${JSON.stringify(host.slice(0, 100))})`);
      answerText(response, 421, "This server does not answer to that host name.\n");
      return;
    }
    if (options.gate && !options.gate(request, response, target)) return;
    await handle(request, response, target, log);
  }

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      // Whatever failed, this request alone pays: it gets a 500, and the bridge serves on.
      write(`http: ${request.method} ${String(request.url).slice(0, 200)} failed: ${(error as Error)?.stack ?? error}`);
      if (!response.headersSent) answerText(response, 500, "The bridge could not serve this request.\n");
      else response.destroy();
    });
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.on("connection", (socket) => {
    if (!cap.admit(socket)) {
      log(`a connection from ${socket.remoteAddress}: 503 (${cap.open} open, the most there is room for)`);
      refuseConnection(socket);
    }
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = clientErrorStatus(error.code);
    log(`a request that cannot be read: ${status.slice(0, 3)} (${error.code ?? error.message})`);
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  return server;
}

/** Serves the built deck. Fails with a clear message when it has not been built. */
export function createDeckServer(options: HttpOptions): DeckServer {
  if (!existsSync(`${DIST_DIR}/index.html`)) {
    throw new Error(`the deck is not built: ${DIST_DIR}/index.html is missing. Run \`npm start\`, which builds it, or \`npm run build\`.`);
  }
  const server = guardedServer((request, response, target, log) => serveFile(DIST_DIR, request, response, target.pathname, log), options);
  return { server, close: async () => {} };
}

/** Serves the deck through Vite's dev middleware: slides and browser code reload on save. */
export async function createDevServer(options: HttpOptions): Promise<DeckServer> {
  const { createServer: createVite } = await import("vite");
  let middlewares: ((request: IncomingMessage, response: ServerResponse, next: () => void) => void) | undefined;
  const server = guardedServer((request, response) => {
    if (!middlewares) return answerText(response, 503, "The deck is still starting; try again in a moment.\n");
    middlewares(request, response, () => answerText(response, 404, "Not found\n"));
  }, options);
  const vite = await createVite({
    root: REPO_ROOT,
    configFile: `${REPO_ROOT}vite.config.ts`,
    server: { middlewareMode: true, hmr: { server } },
    appType: "mpa",
  });
  middlewares = vite.middlewares;
  return { server, close: () => vite.close() };
}
