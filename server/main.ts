/**
 * Starts the bridge: one server on 127.0.0.1 that serves the deck and the WebSocket at /ws.
 *
 *   node build/server/main.js [--port N] [--dev]
 *
 * PORT in the environment sets the port too; --port wins. Port 0 picks a free one.
 */
import { parseArgs } from "node:util";
import { attachBridge, BRIDGE_PATH } from "./bridge.js";
import { createDeckServer, createDevServer } from "./http.js";
import { startWarmPool, stopWarmPool } from "./warm-pool.js";

export const DEFAULT_PORT = 4177;
/** Demo processes kept started and waiting, so Run does not wait for Node to boot. */
const WARM_PROCESSES = 4;
const HOST = "127.0.0.1";

function exitWith(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function readPort(given: string | undefined): number {
  const text = given ?? process.env.PORT ?? String(DEFAULT_PORT);
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) exitWith(`not a port number: ${text} (use 0 to 65535)`);
  return port;
}

async function main(): Promise<void> {
  let values: { port?: string; dev?: boolean };
  try {
    ({ values } = parseArgs({ options: { port: { type: "string" }, dev: { type: "boolean" } }, strict: true }));
  } catch (error) {
    exitWith(`${(error as Error).message}\nUsage: npm start -- [--port N]   (or PORT=N npm start)`);
  }
  const port = readPort(values.port);
  let deck;
  try {
    deck = values.dev ? await createDevServer() : createDeckServer();
  } catch (error) {
    exitWith((error as Error).message);
  }
  const { server } = deck;
  let boundPort = port;
  const bridge = attachBridge(server, {
    allowedHosts: () => new Set([`${HOST}:${boundPort}`, `localhost:${boundPort}`]),
    leaveOtherUpgrades: values.dev === true,
  });

  server.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EADDRINUSE") exitWith(`port ${port} is already in use. Start on another one with --port N (or PORT=N).`);
    exitWith(`cannot listen on ${HOST}:${port}: ${error.message}`);
  });
  server.listen(port, HOST, () => {
    const address = server.address();
    if (address && typeof address === "object") boundPort = address.port;
    console.log(`ZeroMQ from scratch${values.dev ? " (dev, hot reload)" : ""}: http://${HOST}:${boundPort}/`);
    console.log(`bridge at ws://${HOST}:${boundPort}${BRIDGE_PATH} · Ctrl-C stops it and every demo it started`);
    startWarmPool(WARM_PROCESSES);
  });

  let exiting = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (exiting) return;
    exiting = true;
    console.log(`${signal}: stopping ${bridge.liveRuns} run(s)…`);
    stopWarmPool();
    await bridge.close();
    await deck.close();
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on("SIGINT", (signal) => void shutdown(signal));
  process.on("SIGTERM", (signal) => void shutdown(signal));
}

await main();
