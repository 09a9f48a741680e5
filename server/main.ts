/**
 * Starts the bridge: one server that serves the deck and the WebSocket at /ws.
 *
 *   node build/server/main.js [--port N] [--dev] [--share [--host H]] [--idle-timeout S]
 *
 * It listens on 127.0.0.1 only. --share also listens on the network (0.0.0.0, or --host) and
 * prints a viewers' URL holding a fresh token; see access.ts for what viewers may do. Whatever
 * --host names, the presenter's page is at 127.0.0.1.
 * PORT in the environment sets the port too; --port wins. Port 0 picks a free one.
 */
import { createServer as createNetServer } from "node:net";
import { parseArgs } from "node:util";
import { type AccessPolicy, admitHttp, hostsFor, isLoopbackAddress, lanAddresses, newShareToken } from "./access.js";
import { attachBridge, BRIDGE_PATH } from "./bridge.js";
import { type HttpOptions, createDeckServer, createDevServer } from "./http.js";
import { removeOrphanedIpcDirs } from "./ipc-dirs.js";
import { keepServingThroughUncaughtErrors } from "./last-resort.js";
import { DEFAULT_LIMITS } from "./limits.js";
import { startOrphanReaper } from "./orphan-guard.js";
import { sandboxUnavailable } from "./role-code/sandbox.js";
import { LOOPBACK } from "./run.js";
import { startWarmPool, stopWarmPool } from "./warm-pool.js";

export const DEFAULT_PORT = 4177;
/** Demo processes kept started and waiting, so Run does not wait for Node to boot. */
const WARM_PROCESSES = 4;
/** Where a shared deck listens unless --host says otherwise: every interface. */
const SHARE_HOST = "0.0.0.0";
const WILDCARDS = new Set(["0.0.0.0"]);
const USAGE = "Usage: npm start -- [--port N] [--share [--host ADDRESS]] [--idle-timeout SECONDS]   (or PORT=N npm start)";

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

function readIdleTimeoutMs(given: string | undefined): number {
  if (given === undefined) return DEFAULT_LIMITS.idleTimeoutMs;
  const seconds = Number(given);
  if (!/^\d+$/.test(given) || seconds < 1 || seconds > 86_400) exitWith(`--idle-timeout takes whole seconds from 1 to 86400, not ${given}`);
  return seconds * 1000;
}

interface Options {
  port: number;
  dev: boolean;
  /** Whether viewers elsewhere may reach the deck, with the token. */
  share: boolean;
  host: string;
  idleTimeoutMs: number;
}

function readOptions(): Options {
  let values: { port?: string; dev?: boolean; share?: boolean; host?: string; "idle-timeout"?: string };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        dev: { type: "boolean" },
        share: { type: "boolean" },
        host: { type: "string" },
        "idle-timeout": { type: "string" },
      },
      strict: true,
    }));
  } catch (error) {
    exitWith(`${(error as Error).message}\n${USAGE}`);
  }
  const share = values.share === true;
  const host = values.host ?? (share ? SHARE_HOST : LOOPBACK);
  // Demos bind the same address, and libzmq's tcp endpoints here are IPv4.
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) exitWith(`--host takes an IPv4 address such as 0.0.0.0 or 192.168.1.20, not ${host}`);
  // Listening beyond this machine without a token would let anyone on the network start processes.
  if (!share && !isLoopbackAddress(host))
    exitWith(`--host ${host} would expose the bridge to the network; add --share, which requires a token.`);
  return { port: readPort(values.port), dev: values.dev === true, share, host, idleTimeoutMs: readIdleTimeoutMs(values["idle-timeout"]) };
}

/** What the presenter reads at start: where to open the deck, and, when sharing, the viewers' link. */
function announce(options: Options, port: number, token: string | undefined): void {
  console.log(`ZeroMQ from scratch${options.dev ? " (dev, hot reload)" : ""}: http://${LOOPBACK}:${port}/`);
  console.log(`bridge at ws://${LOOPBACK}:${port}${BRIDGE_PATH} · Ctrl-C stops it and every demo it started`);
  const noCode = sandboxUnavailable();
  if (noCode) console.log(`Edit cannot run code here: ${noCode}`);
  if (token === undefined) return;
  const hosts = WILDCARDS.has(options.host) ? lanAddresses().filter((address) => !address.includes(":")) : [options.host];
  console.log(`sharing: viewers may watch your runs (never start them) at`);
  for (const host of hosts.length > 0 ? hosts : [options.host]) console.log(`  http://${host}:${port}/?token=${token}`);
  console.log(`present from http://${LOOPBACK}:${port}/ on this machine: only that page may run demos.`);
}

async function main(): Promise<void> {
  const options = readOptions();
  keepServingThroughUncaughtErrors();
  const removed = removeOrphanedIpcDirs();
  if (removed.length > 0) console.log(`removed ${removed.length} ipc folder(s) left by a bridge that is gone`);
  startOrphanReaper();
  const shareToken = options.share ? newShareToken() : undefined;
  let boundPort = options.port;
  const access: AccessPolicy = {
    shareToken,
    allowedHosts: () => hostsFor(options.host, boundPort, options.share),
  };
  const http: HttpOptions = {
    gate: (request, response) => admitHttp(request, response, access),
    allowedHosts: access.allowedHosts,
    connections: { total: DEFAULT_LIMITS.httpConnections, keptForThisMachine: DEFAULT_LIMITS.httpConnectionsKeptForThisMachine },
  };
  let deck: Awaited<ReturnType<typeof createDevServer>> | ReturnType<typeof createDeckServer>;
  try {
    deck = options.dev ? await createDevServer(http) : createDeckServer(http);
  } catch (error) {
    exitWith((error as Error).message);
  }
  const { server } = deck;
  const bridge = attachBridge(server, {
    access,
    leaveOtherUpgrades: options.dev,
    // Shared, demos listen where the deck does, so a viewer's own program can join a run; else loopback only.
    bindHost: options.share ? options.host : LOOPBACK,
    limits: { idleTimeoutMs: options.idleTimeoutMs },
  });

  let listening = false;
  server.on("error", (error: NodeJS.ErrnoException) => {
    // Once it listens, a failure (an accept with no file descriptor left) is logged, and it serves on.
    if (listening) {
      process.stderr.write(`bridge: the server failed: ${error.message}; serving on\n`);
      return;
    }
    if (error.code === "EADDRINUSE") {
      exitWith(
        `port ${options.port} is already in use (another bridge, or another program). Start on another port with --port N (npm start -- --port ${options.port + 1}) or PORT=N.`,
      );
    }
    exitWith(`cannot listen on ${options.host}:${options.port}: ${error.message}`);
  });
  server.listen(options.port, options.host, () => {
    const address = server.address();
    if (address && typeof address === "object") boundPort = address.port;
    startWarmPool(WARM_PROCESSES);
    // On one address other than 127.0.0.1 (a network address, or another loopback one): the
    // presenter's page is at 127.0.0.1, so listen there too and hand its connections over.
    if (!WILDCARDS.has(options.host) && options.host !== LOOPBACK) {
      let presenterListening = false;
      createNetServer((socket) => server.emit("connection", socket))
        .on("error", (error) => {
          if (presenterListening) process.stderr.write(`bridge: the server on ${LOOPBACK} failed: ${error.message}; serving on\n`);
          else exitWith(`cannot also listen on ${LOOPBACK}:${boundPort} for the presenter: ${error.message}`);
        })
        .listen(boundPort, LOOPBACK, () => {
          presenterListening = listening = true;
          announce(options, boundPort, shareToken);
        });
      return;
    }
    listening = true;
    announce(options, boundPort, shareToken);
  });

  let exiting = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (exiting) return;
    exiting = true;
    console.log(`${signal}: stopping ${bridge.liveRuns} run(s), ${bridge.liveProcesses} process(es)…`);
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
