/**
 * Connection, runnable: one process binds, many connect, over each transport in turn:
 * inproc (inside this process), ipc (a Unix socket file; not on Windows) and tcp.
 *   node build/demos/basics/bind-connect.js
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as zmq from "../lib/zmq.js";

export function connectClient(endpoint: string) {
  const socket = new zmq.Request();
  socket.connect(endpoint);
  return socket;
}

export async function bindServer(endpoint: string) {
  const socket = new zmq.Reply();
  await socket.bind(endpoint);
  return socket;
}

const CLIENTS = 3;

/** Binds one server, connects three clients to it, and has each client ask once. */
async function tryTransport(endpoint: string): Promise<void> {
  const server = await bindServer(endpoint);
  // A tcp endpoint with port * gets a free port; clients connect to the one it got.
  const bound = server.lastEndpoint ?? endpoint;
  const clients = Array.from({ length: CLIENTS }, () => connectClient(bound));
  const answering = (async () => {
    for (let answered = 0; answered < CLIENTS; answered++) {
      const [request] = await server.receive();
      await server.send(`World, ${request}`);
    }
  })();
  const replies = await Promise.all(
    clients.map(async (client, index) => {
      await client.send(`client ${index + 1}`);
      const [reply] = await client.receive();
      return String(reply);
    }),
  );
  await answering;
  console.log(`${bound}: 1 bound, ${CLIENTS} connected → ${replies.join(" | ")}`);
  for (const socket of [server, ...clients]) socket.close();
}

const ipcDirectory = mkdtempSync(path.join(tmpdir(), "zmq-basics-"));
try {
  await tryTransport("inproc://hello");
  if (process.platform !== "win32") await tryTransport(`ipc://${ipcDirectory}/hello.ipc`);
  await tryTransport("tcp://127.0.0.1:*");
} finally {
  rmSync(ipcDirectory, { recursive: true, force: true });
}
