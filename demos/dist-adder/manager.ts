import * as zmq from "../lib/zmq.js";
import { runRole, untilStopped } from "../lib/role.js";
import { workersConnected } from "./connected.js";
import { distAdder } from "../../protocol/demos/dist-adder/manifest.js";
import { Task } from "./proto.js";

/** What the manager is asked: 0..length-1 in sub-arrays of `size`, for `workers` workers. */
interface Job {
  length: number;
  size: number;
  workers: number;
  /** Whether to wait until all `workers` have connected before pushing. */
  wait: boolean;
}

/**
 * The manager: splits 0..length-1 into sub-arrays of `size` and pushes one Task per sub-array.
 * Why does the same worker always get the job? A PUSH hands out only to the workers connected
 * so far, and the first one is connected long before the others. With `wait`, it first waits
 * until all `workers` have connected.
 */
export async function startManager(endpoint: string, { length, size, workers, wait }: Job) {
  const tasks = new zmq.Push();
  await tasks.bind(endpoint);
  if (wait) await workersConnected(tasks, workers);

  for (let start = 0, id = 0; start < length; start += size, id++) {
    const numbers = Array.from({ length: Math.min(size, length - start) }, (_, i) => start + i);
    await tasks.send(new Task(id, numbers).dump());
    console.log(`Sent task ${id}: ${start}..${start + numbers.length - 1}`);
  }
  await untilStopped();
}

runRole(distAdder, "manager", ({ endpoint, params }) =>
  startManager(endpoint, { length: params.length, size: params.size, workers: params.workers, wait: params.wait === 1 }),
);
