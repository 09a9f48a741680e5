import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { distAdder } from "./manifest.js";
import { Result } from "./proto.js";

/** The sink: adds up the Results as they come and prints the total once every task is in. */
export async function startSink(endpoint: string, length: number, size: number) {
  const results = new zmq.Subscriber();
  await results.bind(endpoint);
  results.subscribe();

  const expected = Math.ceil(length / size);
  let total = 0;
  let received = 0;
  for await (const [frame] of results) {
    let result: Result;
    try {
      result = Result.load(frame!);
    } catch (error) {
      console.error(`Ignored a bad result: ${(error as Error).message}`);
      continue;
    }
    total += result.sum;
    received += 1;
    console.log(`Result of task ${result.taskId} from worker-${result.worker}: ${result.sum}, total ${total}, ${expected - received} to go`);
    if (received === expected) console.log(`Total: ${total} (${received} sub-arrays)`);
  }
}

runRole(distAdder, "sink", ({ endpoint, params }) => startSink(endpoint, params.length!, params.size!));
