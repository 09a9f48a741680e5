/**
 * Traced against untraced throughput: the `fast` demo's flat-out PUSH → PULL stream, run the
 * same way twice in turn — once under the bridge with the reporting layer, once as plain
 * programs without it (ZMQ_UNTRACED=1) — reading the rate its receiver measured and printed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { countsExact, runDemo } from "./bridge-client.js";
import { type Figure, summarise } from "./stats.js";

const DEMO_DIR = fileURLToPath(new URL("../../demos/fast/", import.meta.url));
const COUNT = 200_000;
const ROUNDS = 3;
const RUN_MS = 5000;

/** Messages a second from the receiver's printed lines: "… 123,456 msg/s …". */
function ratesIn(lines: string[]): number[] {
  return lines.map((line) => /([\d,]+) msg\/s/.exec(line)).filter((match) => match !== null).map((match) => Number(match[1]!.replace(/,/g, "")));
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** The four roles of `fast` as plain programs, without the reporting layer; their receiver's rates. */
async function untraced(): Promise<number[]> {
  const [stream, echo] = [await freePort(), await freePort()];
  const env = { ...process.env, ZMQ_UNTRACED: "1" };
  const start = (script: string, args: string[]) => spawn(process.execPath, [`${DEMO_DIR}${script}`, ...args], { env, stdio: ["ignore", "pipe", "inherit"] });
  const receiver = start("receiver.js", ["--bind", `tcp://127.0.0.1:${stream}`, "--count", String(COUNT)]);
  const ponger = start("ponger.js", ["--bind", `tcp://127.0.0.1:${echo}`]);
  let output = "";
  receiver.stdout!.on("data", (chunk) => (output += chunk));
  const others: ChildProcess[] = [
    start("sender.js", ["--connect", `tcp://127.0.0.1:${stream}`, "--count", String(COUNT)]),
    start("pinger.js", ["--connect", `tcp://127.0.0.1:${echo}`]),
  ];
  await new Promise((resolve) => setTimeout(resolve, RUN_MS));
  for (const child of [receiver, ponger, ...others]) child.kill("SIGTERM");
  await Promise.all([receiver, ponger, ...others].map((child) => (child.exitCode === null ? once(child, "exit") : undefined)));
  return ratesIn(output.split("\n"));
}

export async function tracedVsUntraced(bridgeUrl: string): Promise<Figure[]> {
  const tracedRates: number[] = [];
  const untracedRates: number[] = [];
  let exact = true;
  for (let round = 0; round < ROUNDS; round++) {
    untracedRates.push(...(await untraced()));
    const record = await runDemo(bridgeUrl, "fast", { count: COUNT }, RUN_MS);
    tracedRates.push(...ratesIn(record.lines.get("receiver-0") ?? []));
    exact &&= countsExact(record);
  }
  const traced = summarise("throughput-traced", "msg/s", tracedRates, { note: `counters exact: ${exact}` });
  const plain = summarise("throughput-untraced", "msg/s", untracedRates);
  const ratio = summarise("traced/untraced", "%", [(traced.median / plain.median) * 100], { target: "≥ 80 %", note: `counters exact: ${exact}` });
  return [plain, traced, ratio];
}
