/**
 * Serves the built deck (dist/) as any static web host would: files only, no bridge, no /ws.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sirv from "sirv";
import { REPO_ROOT } from "../server/http.js";

export interface StaticSite {
  url: string;
  close(): Promise<void>;
}

export async function serveStatic(directory = `${REPO_ROOT}dist`): Promise<StaticSite> {
  const files = sirv(directory, { dev: false });
  const server: Server = createServer((request, response) =>
    files(request, response, () => {
      response.writeHead(404);
      response.end();
    }),
  );
  // A static host knows nothing of WebSockets: an upgrade is just refused.
  server.on("upgrade", (_request, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
