import * as zmq from "../lib/zmq.js";
import { peersConnected } from "../lib/monitor.js";
import { runRole, untilStopped } from "../lib/role.js";
import { distAdder } from "./manifest.js";
import { Task } from "./proto.js";

/**
 * The manager: splits 0..length-1 into sub-arrays of `size` and pushes one Task per sub-array.
 * Why does the same worker always get the job? A PUSH hands out only to the workers connected
 * so far, and the first one is connected long before the others. With `waitForWorkers`, it
 * first waits until all `workers` have connected.
 */
export async function startManager(endpoint: string, length: number, size: number, workers: number, waitForWorkers: boolean) {
  const tasks = new zmq.Push();
  await tasks.bind(endpoint);
  if (waitForWorkers) await peersConnected(tasks, workers);

  for (let start = 0, id = 0; start < length; start += size, id++) {
    const numbers = Array.from({ length: Math.min(size, length - start) }, (_, i) => start + i);
    await tasks.send(new Task(id, numbers).dump());
    console.log(`Sent task ${id}: ${start}..${start + numbers.length - 1}`);
  }
  await untilStopped();
}

runRole(distAdder, "manager", ({ endpoint, params }) =>
  startManager(endpoint, params.length!, params.size!, params.workers!, params.wait === 1),
);
