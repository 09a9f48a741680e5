/**
 * Runs a whole demo in the terminal, its processes' output interleaved, each line prefixed by
 * the node that printed it:
 *   npm run demo -- push-pull --workers 4 --rate 5
 *   npm run demo -- dist-adder --length 1000 --size 50 --wait 1
 * The same runs as the deck's (server/run.ts), without a browser. Ctrl-C ends every process.
 */
import { parseArgs } from "node:util";
import { manifests } from "../demos/manifests.js";
import { type ParamValues, defaultParams, paramProblem } from "../demos/lib/manifest.js";
import { Run } from "../server/run.js";
import type { RunEvent } from "../server/protocol.js";

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const [name, ...rest] = process.argv.slice(2);
const manifest = manifests.get(name ?? "");
if (!manifest) fail(`usage: npm run demo -- <demo> [--param value …]\ndemos: ${[...manifests.keys()].join(", ")}`);

const { values } = parseArgs({
  args: rest,
  options: { help: { type: "boolean" }, ...Object.fromEntries(Object.keys(manifest.params).map((param) => [param, { type: "string" as const }])) },
  strict: true,
});
if (values.help) {
  const lines = Object.entries(manifest.params).map(
    ([param, spec]) => `  --${param} N   ${spec.label} (${spec.min}–${spec.max}${spec.unit ? ` ${spec.unit}` : ""}, default ${spec.default})`,
  );
  process.stdout.write(`${manifest.title}\n${lines.join("\n")}\n`);
  process.exit(0);
}
const params: ParamValues = defaultParams(manifest);
for (const [param, given] of Object.entries(values)) {
  if (param === "help" || typeof given !== "string") continue;
  const problem = paramProblem(manifest.params[param]!, `--${param}`, Number(given));
  if (problem) fail(problem);
  params[param] = Number(given);
}

const width = Math.max(...Object.keys(manifest.roles).map((role) => role.length)) + 3;
function print(event: RunEvent): void {
  const prefix = `[${event.node}]`.padEnd(width + 2);
  switch (event.kind) {
    case "log":
      (event.stream === "stderr" ? process.stderr : process.stdout).write(`${prefix} ${event.text}\n`);
      break;
    case "spawn":
      console.log(`${prefix} started, pid ${event.pid}`);
      break;
    case "bound":
      console.log(`${prefix} bound ${event.endpoint}`);
      break;
    case "exit":
      console.log(`${prefix} exited (${event.signal ?? `code ${event.code}`})`);
      break;
    case "lost":
      console.log(`${prefix} lost: ${event.frames.at(-1)?.text ?? ""} (${event.reason}${event.to ? `, for ${event.to}` : ""})`);
      break;
    case "send-waiting":
      console.log(`${prefix} ${event.waiting ? "send waiting: no peer has taken the message yet" : "send went out"}`);
      break;
    case "external":
      console.log(`${prefix} ${event.count} peer(s) from outside the run on ${event.endpoint}`);
      break;
  }
}

const run = new Run("terminal", manifest, params, {
  onEvent: (_, event) => print(event),
  onStopped: (_, reason) => {
    console.log(`(${reason})`);
    process.exit(reason === "failed" ? 1 : 0);
  },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void run.stop("requested"));
run.start().catch((error: unknown) => fail(String((error as Error).message)));
