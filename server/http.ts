/**
 * The HTTP side of the bridge: serves the built deck from dist/, or, in dev mode, Vite's
 * middleware with hot reload on the same server.
 */
import { existsSync } from "node:fs";
import { type IncomingMessage, type RequestListener, type ServerResponse, createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import sirv from "sirv";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DIST_DIR = `${REPO_ROOT}dist`;

/** Decides before anything is served; answers the request itself and returns false to refuse it. */
export type RequestGate = (request: IncomingMessage, response: ServerResponse) => boolean;

const OPEN: RequestGate = () => true;

export interface DeckServer {
  server: Server;
  /** Shuts the dev middleware down, if there is one. */
  close(): Promise<void>;
}

function notFound(): RequestListener {
  return (_request, response) => {
    response.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    response.end("Not found\n");
  };
}

/** Serves the built deck. Fails with a clear message when it has not been built. */
export function createDeckServer(gate: RequestGate = OPEN): DeckServer {
  if (!existsSync(`${DIST_DIR}/index.html`)) {
    throw new Error(`the deck is not built: ${DIST_DIR}/index.html is missing. Run \`npm start\`, which builds it, or \`npm run build\`.`);
  }
  const assets = sirv(DIST_DIR, { etag: true, gzip: true });
  const fallback = notFound();
  const server = createServer((request, response) => {
    if (gate(request, response)) assets(request, response, () => fallback(request, response));
  });
  return { server, close: async () => {} };
}

/** Serves the deck through Vite's dev middleware: slides and browser code reload on save. */
export async function createDevServer(gate: RequestGate = OPEN): Promise<DeckServer> {
  const { createServer: createVite } = await import("vite");
  let handler: RequestListener = notFound();
  const server = createServer((request, response) => {
    if (gate(request, response)) handler(request, response);
  });
  const vite = await createVite({
    root: REPO_ROOT,
    configFile: `${REPO_ROOT}vite.config.ts`,
    server: { middlewareMode: true, hmr: { server } },
    appType: "mpa",
  });
  handler = (request, response) => vite.middlewares(request, response, () => notFound()(request, response));
  return { server, close: () => vite.close() };
}
