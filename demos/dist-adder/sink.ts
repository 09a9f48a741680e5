import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { distAdder } from "../../protocol/demos/dist-adder/manifest.js";
import { Result } from "./proto.js";

/** The sink: adds up the Results as they come, says how many are still to come, and the total once every task is in. */
export async function startSink(endpoint: string, length: number, size: number) {
  const results = new zmq.Subscriber();
  await results.bind(endpoint);
  results.subscribe();

  const expected = Math.ceil(length / size);
  let total = 0;
  let received = 0;
  for await (const [frame] of results) {
    const result = loadResult(frame!);
    if (!result) continue;
    total += result.sum;
    received += 1;
    const left = expected - received;
    console.log(`Task ${result.taskId}: ${result.sum} from worker-${result.worker}, ${left} to go`);
    if (left === 0) break;
  }
  console.log(`Total: ${total} (${received} sub-arrays)`);
}

/** The Result in `frame`, or none (said on stderr) when it is not one: a bad frame from anywhere must not end the sink. */
function loadResult(frame: Uint8Array): Result | undefined {
  try {
    return Result.load(frame);
  } catch (error) {
    console.error(`Ignored a bad result: ${(error as Error).message}`);
    return undefined;
  }
}

runRole(distAdder, "sink", ({ endpoint, params }) => startSink(endpoint, params.length, params.size));
