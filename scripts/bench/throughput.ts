/**
 * Traced against untraced throughput: the `fast` demo's four processes — the flat-out PUSH →
 * PULL stream and the REQ ↔ REP pair beside it — run once under the bridge with the reporting
 * layer and once as the same plain programs without it (ZMQ_UNTRACED=1), reading the rate the
 * receiver measured and printed for each burst.
 *
 * Made to be fair on a small, shared machine:
 *  - both arms run the same four programs with the same parameters and Node options, pinger
 *    and ponger included;
 *  - each run's first burst is left out: it overlaps process start-up (and, under the bridge,
 *    the warm pool starting replacements for the processes the run took);
 *  - the arms alternate, and which goes first alternates by round, so a machine that gets
 *    busier or quieter during the bench weighs on both alike;
 *  - the ratio is taken per round (the median burst traced over the median burst untraced of
 *    the same round) and its median over the rounds is the figure.
 *
 * `node build/scripts/bench/throughput.js` runs this figure alone (BENCH_THROUGHPUT_ROUNDS).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { DEMO_EXEC_ARGV } from "../../server/warm-pool.js";
import { startBridge } from "../../harness/bridge.js";
import { countsExact, runDemo } from "./run-demo.js";
import { type Figure, printFigures, summarise } from "./stats.js";

const DEMO_DIR = fileURLToPath(new URL("../../demos/fast/", import.meta.url));
const COUNT = 200_000;
/**
 * One round's ratio swings by ±15 points on a shared 2-core machine (the four processes and the
 * bridge take turns on two cores); the median of four rounds moved by as much as 10 points from
 * one bench to the next, of eight by about 3.
 */
const ROUNDS = Number(process.env.BENCH_THROUGHPUT_ROUNDS ?? 8);
/** Long enough for the start-up burst and three more (a burst, then the sender's 1.5 s pause). */
const RUN_MS = 9000;
/** Between runs: the last run's processes are gone and the bridge's warm pool is full again. */
const SETTLE_MS = 1000;

/** Messages a second from the receiver's printed lines ("… 123,456 msg/s …"), the start-up burst left out. */
function steadyRates(lines: string[]): number[] {
  const rates = lines
    .map((line) => /([\d,]+) msg\/s/.exec(line))
    .filter((match) => match !== null)
    .map((match) => Number(match[1]!.replace(/,/g, "")));
  return rates.slice(1);
}

function median(values: number[]): number {
  return values.length === 0 ? Number.NaN : summarise("", "", values).median;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** The four roles of `fast` as plain programs, without the reporting layer; the receiver's printed lines. */
async function untraced(): Promise<string[]> {
  const [stream, echo] = [await freePort(), await freePort()];
  const env = { ...process.env, ZMQ_UNTRACED: "1" };
  const start = (script: string, args: string[]) =>
    spawn(process.execPath, [...DEMO_EXEC_ARGV, `${DEMO_DIR}${script}`, ...args], { env, stdio: ["ignore", "pipe", "inherit"] });
  // Binders first, as the bridge starts them.
  const receiver = start("receiver.js", ["--bind", `tcp://127.0.0.1:${stream}`, "--count", String(COUNT)]);
  const ponger = start("ponger.js", ["--bind", `tcp://127.0.0.1:${echo}`]);
  let output = "";
  receiver.stdout!.on("data", (chunk) => (output += chunk));
  const others: ChildProcess[] = [
    start("sender.js", ["--connect", `tcp://127.0.0.1:${stream}`, "--count", String(COUNT)]),
    start("pinger.js", ["--connect", `tcp://127.0.0.1:${echo}`]),
  ];
  for (const child of [ponger, ...others]) child.stdout!.resume();
  await new Promise((resolve) => setTimeout(resolve, RUN_MS));
  const all = [receiver, ponger, ...others];
  for (const child of all) child.kill("SIGTERM");
  await Promise.all(all.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, "exit") : undefined)));
  return output.split("\n");
}

export async function tracedVsUntraced(bridgeUrl: string): Promise<Figure[]> {
  const tracedRates: number[] = [];
  const untracedRates: number[] = [];
  const ratios: number[] = [];
  let exact = true;
  for (let round = 0; round < ROUNDS; round++) {
    const arms = {
      untraced: async () => steadyRates(await untraced()),
      traced: async () => {
        const record = await runDemo(bridgeUrl, "fast", { count: COUNT }, RUN_MS);
        exact &&= countsExact(record);
        return steadyRates(record.lines.get("receiver-1") ?? []);
      },
    };
    const order = round % 2 === 0 ? (["untraced", "traced"] as const) : (["traced", "untraced"] as const);
    const rates = { untraced: [] as number[], traced: [] as number[] };
    for (const arm of order) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      rates[arm] = await arms[arm]();
    }
    if (process.env.BENCH_VERBOSE)
      console.error(`round ${round + 1}: untraced ${rates.untraced.join(" ")}; traced ${rates.traced.join(" ")}`);
    untracedRates.push(...rates.untraced);
    tracedRates.push(...rates.traced);
    const ratio = (median(rates.traced) / median(rates.untraced)) * 100;
    if (Number.isFinite(ratio)) ratios.push(ratio);
  }
  const plain = summarise("throughput-untraced", "msg/s", untracedRates, { note: "bursts of 200,000 after each run's first" });
  const traced = summarise("throughput-traced", "msg/s", tracedRates, { note: `counters exact: ${exact}` });
  const ratio = summarise("traced/untraced", "%", ratios, {
    target: "≥ 80 %",
    note: `per round, ${ROUNDS} rounds; counters exact: ${exact}`,
  });
  return [plain, traced, ratio];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bridge = await startBridge();
  try {
    const figures = await tracedVsUntraced(bridge.url);
    printFigures(figures);
  } finally {
    await bridge.stop();
  }
}
