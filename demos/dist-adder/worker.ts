import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { distAdder } from "../../protocol/demos/dist-adder/manifest.js";
import { Result, Task } from "./proto.js";

/**
 * A worker: sums each Task it pulls and publishes the Result to the sink. Its results socket is
 * an XPUB, a PUB that hands over the subscriptions it gets: a PUB drops what it publishes before
 * the subscription is there, so no task is taken before the sink's has arrived.
 */
export async function startWorker(tasksEndpoint: string, resultsEndpoint: string, worker: number) {
  const tasks = new zmq.Pull();
  const results = new zmq.XPublisher();
  results.connect(resultsEndpoint);
  // The sink's subscription: from now on, nothing published is dropped.
  await results.receive();
  tasks.connect(tasksEndpoint);

  for await (const [frame] of tasks) {
    const task = loadTask(frame!);
    if (!task) continue;
    const sum = task.numbers.reduce((total, number) => total + number, 0);
    await results.send(new Result(task.id, worker, sum).dump());
    console.log(`Task ${task.id}: sum ${sum}`);
  }
}

/** The Task in `frame`, or none (said on stderr) when it is not one: a bad frame from anywhere must not end the worker. */
function loadTask(frame: Uint8Array): Task | undefined {
  try {
    return Task.load(frame);
  } catch (error) {
    console.error(`Ignored a bad task: ${(error as Error).message}`);
    return undefined;
  }
}

runRole(distAdder, "worker", ({ endpoints, index }) => startWorker(endpoints.tasks!, endpoints.results!, index));
