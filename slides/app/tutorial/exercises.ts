/**
 * The tutorial's exercises, as data: where each sits, which demo it runs, what the learner is
 * asked to make happen, a hint, and a pure check over the events of the learner's own live run.
 * A check sees only what the real processes reported (through the bridge); nothing else can
 * make it pass. No DOM here: the checks are unit-tested with crafted event sequences.
 */
import type { DeliverEvent, RunEvent } from "../../../protocol/messages.js";
import type { ActionChoice } from "../action-bar.js";

/** One live run as an exercise sees it: the parameters it started with and every event so far. */
export interface RunRecord {
  params: Record<string, number>;
  events: RunEvent[];
}

/** What a check says: whether the goal is met, and how far the run has got, in words. */
export interface Verdict {
  done: boolean;
  progress: string;
}

export interface Exercise {
  id: string;
  /** The slide (tutorial step) the exercise sits under. */
  step: string;
  /** The demo it runs: the widget of that name on the step. */
  demo: string;
  title: string;
  goal: string;
  /** Shown one at a time, each a little more of the way. */
  hints: string[];
  /**
   * For an exercise passed only by writing code: the role whose function the learner writes
   * (in the step's editor); the check counts only processes that ran their code.
   */
  role?: string;
  /** Where the learner may start instead of the slide's function: the part to write left out. */
  starter?: string;
  /** Parameters the exercise picks for the run: the step's demo is set to them. */
  params?: Record<string, number>;
  /** An action the exercise performs on the learner's live run once it is ready for it (a restart mid-run). */
  drive?(run: RunRecord): ActionChoice | undefined;
  /** Shown with the exercise: a command to type in another terminal; `{endpoint}` is the run's first bound tcp endpoint. */
  command?: string;
  check(run: RunRecord): Verdict;
}

const deliveries = (events: RunEvent[]): DeliverEvent[] => events.filter((event): event is DeliverEvent => event.kind === "deliver");

/** Messages each node of `role` received, by node id, counted from deliveries. */
function receivedBy(events: RunEvent[], role: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) if (event.kind === "spawn" && event.role === role) counts.set(event.node, counts.get(event.node) ?? 0);
  for (const event of deliveries(events)) if (counts.has(event.node)) counts.set(event.node, counts.get(event.node)! + 1);
  return counts;
}

const spawned = (events: RunEvent[], role: string): Set<string> =>
  new Set(events.flatMap((event) => (event.kind === "spawn" && event.role === role ? [event.node] : [])));

/** Nodes of `role` whose latest start ran the learner's own code. */
function editedNodes(events: RunEvent[], role: string): Set<string> {
  const edited = new Set<string>();
  for (const event of events) {
    if (event.kind !== "spawn" || event.role !== role) continue;
    if (event.edited) edited.add(event.node);
    else edited.delete(event.node);
  }
  return edited;
}

/** What a code exercise says while none of the role's processes has run the learner's code. */
const notYours = (role: string): Verdict => ({
  done: false,
  progress: `no ${role} is running your code yet: press Edit, write it, then Run`,
});

export const ROUND_TRIPS = 3;
/** The Lazy Pirate exercise restarts the server after this many replies, and wants this many after. */
export const LAZY_PIRATE_BEFORE = 2;
export const LAZY_PIRATE_AFTER = 2;
/** Records the watcher must get under their level. */
export const LOG_RECORDS = 6;
/** Replies each client must get through the learner's device. */
export const QUEUE_REPLIES = 2;
/** The adder's worker exercise picks its own numbers, afresh for each page, so no total can be written in. */
export const ADDER_PARAMS = { length: 2000 + Math.floor(Math.random() * 8000), size: 50 + Math.floor(Math.random() * 450) };
export const FAIR_SHARE = 5;
export const FILTERED = 5;
export const SYNCED = 5;
/** The publisher's rate at which a subscriber joining is sure to miss something. */
export const SLOW_JOINER_RATE = 1000;
export const DIST_LENGTH = 100_000;
/** The sum of 0..DIST_LENGTH-1. */
export const DIST_TOTAL = (DIST_LENGTH * (DIST_LENGTH - 1)) / 2;

export const exercises: Exercise[] = [
  {
    id: "req-rep-over-ipc",
    step: "req-rep",
    demo: "req-rep",
    title: "Same code, another transport",
    goal: `Run the demo over ipc instead of tcp and let the client get ${ROUND_TRIPS} replies from the server: the code does not change, only the endpoint.`,
    hints: [
      "Set transport to “ipc” before pressing Run (or focus the Run button and press Enter), then wait a couple of seconds. The endpoint under the diagram now starts with ipc://.",
    ],
    check({ events }) {
      const overIpc = events.some((event) => event.kind === "bound" && event.node === "server-1" && event.endpoint.startsWith("ipc://"));
      const replies = deliveries(events).filter((event) => event.node === "client-1" && event.from === "server-1").length;
      return {
        done: overIpc && replies >= ROUND_TRIPS,
        progress: `${overIpc ? "over ipc" : "not over ipc"}; ${replies} of ${ROUND_TRIPS} replies received`,
      };
    },
  },
  {
    id: "req-rep-efsm",
    step: "req-rep",
    demo: "req-rep",
    title: "Break the lockstep",
    goal: "Make the REQ client fail with libzmq's EFSM error: a REQ socket must receive a reply before it sends again.",
    hints: ["While the demo runs, pick client-1 under the diagram and press “Send twice”."],
    check({ events }) {
      const efsm = events.some((event) => event.kind === "error" && event.code === "EFSM" && event.node.startsWith("client"));
      return { done: efsm, progress: efsm ? "the client got EFSM" : "no EFSM yet" };
    },
  },
  {
    id: "push-pull-fair-share",
    step: "push-pull",
    demo: "push-pull",
    title: "Four workers, a fair share each",
    goal: `Start four workers and see each take its share: every one of the four receives at least ${FAIR_SHARE} tasks.`,
    hints: ["Set workers to 4 before pressing Run: PUSH deals tasks round-robin to every connected PULL."],
    check({ events }) {
      const counts = [...receivedBy(events, "worker").values()];
      const served = counts.filter((count) => count >= FAIR_SHARE).length;
      return {
        done: counts.length === 4 && served === 4,
        progress: `${counts.length} workers started; ${served} have ${FAIR_SHARE} tasks or more`,
      };
    },
  },
  {
    id: "push-pull-kill",
    step: "push-pull",
    demo: "push-pull",
    title: "Kill a worker, find the lost tasks",
    goal: "Kill a worker while tasks are queued for it, and find the tasks that were lost with it.",
    hints: ["Raise the rate (say 60 a second) so tasks queue up, Run, pick a worker and press Kill. Lost tasks show in red."],
    check({ events }) {
      const killed = events.some((event) => event.kind === "action" && event.action === "kill" && event.node.startsWith("worker"));
      const lost = events.filter((event) => event.kind === "lost" && event.reason === "receiver-gone").length;
      return { done: killed && lost > 0, progress: `${killed ? "a worker was killed" : "no worker killed yet"}; ${lost} tasks lost` };
    },
  },
  {
    id: "push-pull-external",
    step: "push-pull",
    demo: "push-pull",
    title: "Connect your own worker",
    goal: "While the demo runs, connect a worker of your own from another terminal and see it appear “from outside the run”.",
    hints: ["Run the demo, then paste the command below into a terminal in the project folder (after `npm run build:node`)."],
    command: "node build/demos/push-pull/pull.js --connect {endpoint}",
    check({ events }) {
      const joined = events.some((event) => event.kind === "external" && event.count > 0);
      return { done: joined, progress: joined ? "a peer from outside connected" : "no outside peer yet" };
    },
  },
  {
    id: "pub-sub-one-topic",
    step: "pub-sub",
    demo: "pub-sub",
    title: "Subscribe to one topic",
    goal: `Give a subscriber the filter “sports” and let it receive ${FILTERED} messages in a row, all of them sports.`,
    hints: ["While it runs, pick a subscriber, choose “sports” in its filter menu and press Filter."],
    check({ events }) {
      // From the learner's own change of a subscriber's filter to "sports" (not the filter a
      // subscriber starts with): what it received once that change took effect, by the receive's
      // own time — a delivery is matched, and so told, after the receive it stands for.
      const asked = new Set<string>();
      const since = new Map<string, number>();
      for (const event of events) {
        if (event.kind === "action" && event.action === "filter") {
          if (event.filter === "sports") asked.add(event.node);
          else asked.delete(event.node);
        } else if (event.kind === "filters") {
          if (asked.has(event.node) && event.filters.length === 1 && event.filters[0] === "sports") since.set(event.node, event.t);
          else since.delete(event.node);
        }
      }
      // Sports messages in a row: a message the publisher sent before it had the new filter may
      // still arrive just after the switch (at a thousand a second, one always does), and only
      // a streak tells that from a subscriber that still takes other topics.
      const delivered = deliveries(events);
      const counts = [...since].map(([node, from]) => {
        let inARow = 0;
        let longest = 0;
        for (const event of delivered) {
          if (event.node !== node || event.t <= from) continue;
          inARow = event.frames[0]?.text.startsWith("sports") ? inARow + 1 : 0;
          longest = Math.max(longest, inARow);
        }
        return longest;
      });
      const best = Math.max(0, ...counts);
      return {
        done: best >= FILTERED,
        progress: since.size === 0 ? "no subscriber switched to sports yet" : `${best} of ${FILTERED} sports messages in a row`,
      };
    },
  },
  {
    id: "pub-sub-slow-joiner",
    step: "pub-sub",
    demo: "pub-sub",
    title: "Catch the slow joiner",
    goal: `With sync off and the publisher at ${SLOW_JOINER_RATE.toLocaleString("en")} messages a second, find the messages subscribers missed while they were still joining.`,
    hints: [
      `Keep sync “off” and raise the rate to ${SLOW_JOINER_RATE.toLocaleString("en")} a second: a subscriber takes a few milliseconds to connect and subscribe, and only a fast publisher is sure to send meanwhile.`,
    ],
    check({ params, events }) {
      const lost = events.filter((event) => event.kind === "lost" && event.reason === "slow-joiner").length;
      const fast = params.sync === 0 && (params.rate ?? 0) >= SLOW_JOINER_RATE;
      return {
        done: fast && lost > 0,
        progress: `${fast ? `sync off, ${params.rate} a second` : `not yet sync off at ${SLOW_JOINER_RATE.toLocaleString("en")} a second`}; ${lost} messages lost to slow joiners`,
      };
    },
  },
  {
    id: "pub-sub-sync",
    step: "pub-sub",
    demo: "pub-sub",
    title: "Fix the slow joiner",
    goal: `Turn sync on and see every subscriber receive at least ${SYNCED} messages with none lost.`,
    hints: ["Set sync to “on”: the publisher waits until every subscriber has subscribed before it sends."],
    check({ params, events }) {
      const lost = events.filter((event) => event.kind === "lost").length;
      const counts = [...receivedBy(events, "subscriber").values()];
      const served = counts.filter((count) => count >= SYNCED).length;
      const done = params.sync === 1 && lost === 0 && counts.length > 0 && served === counts.length;
      return {
        done,
        progress: `sync ${params.sync === 1 ? "on" : "off"}; ${served} of ${counts.length} subscribers have ${SYNCED}; ${lost} lost`,
      };
    },
  },
  {
    id: "queue-three-workers",
    step: "device-queue",
    demo: "queue",
    title: "Through the QUEUE device",
    goal: "With two clients and three workers, get every worker to serve a request through the device and every client a reply.",
    hints: ["Set clients to 2 and workers to 3, then Run: the device's ROUTER and DEALER share requests among the workers."],
    check({ events }) {
      const workers = [...receivedBy(events, "worker").values()];
      const clients = [...receivedBy(events, "client").values()];
      const done =
        workers.length === 3 && clients.length === 2 && workers.every((count) => count > 0) && clients.every((count) => count > 0);
      return {
        done,
        progress: `${workers.filter((count) => count > 0).length} of ${workers.length} workers served; ${clients.filter((count) => count > 0).length} of ${clients.length} clients answered`,
      };
    },
  },
  {
    id: "dist-adder-total",
    step: "complete-application",
    demo: "dist-adder",
    title: "Add 0..99999 with eight workers",
    goal: `Compute the sum of 0..${DIST_LENGTH - 1} with eight workers: the sink prints “Total: ${DIST_TOTAL}”.`,
    hints: [
      `Set length to ${DIST_LENGTH}, size to 1000, workers to 8 and wait to “on” (otherwise the first worker to connect takes every sub-array), then Run.`,
    ],
    check({ events }) {
      const workers = spawned(events, "worker").size;
      const total = events.some(
        (event) => event.kind === "log" && event.node.startsWith("sink") && event.text.includes(`Total: ${DIST_TOTAL} `),
      );
      return { done: workers === 8 && total, progress: `${workers} workers; ${total ? "the sink printed the total" : "no total yet"}` };
    },
  },

  // Exercises passed only by writing code: each counts only processes that ran the learner's own version.
  {
    id: "write-rep-numbered",
    step: "req-rep-server",
    demo: "req-rep",
    role: "server",
    title: "Write it: number the replies",
    goal: `Change the server so that it answers each request with “World” and the request's number: “World 1” to the first, “World 2” to the second… The client must receive ${ROUND_TRIPS} such replies from your server.`,
    hints: [
      "Count the requests in a variable declared before the loop.",
      "Add one to it each time round the loop, before you reply.",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the hint quotes code for the learner to write
      "Reply with a template string: socket.send(`World ${count}`).",
    ],
    check({ events }) {
      if (!editedNodes(events, "server").has("server-1")) return notYours("server");
      const replies = deliveries(events).filter((event) => event.node === "client-1" && event.from === "server-1");
      const wrong = replies.slice(0, ROUND_TRIPS).findIndex((reply, index) => reply.frames[0]?.text !== `World ${index + 1}`);
      if (wrong >= 0)
        return { done: false, progress: `reply ${wrong + 1} was “${replies[wrong]!.frames[0]?.text ?? ""}”, not “World ${wrong + 1}”` };
      return {
        done: replies.length >= ROUND_TRIPS,
        progress: `${Math.min(replies.length, ROUND_TRIPS)} of ${ROUND_TRIPS} numbered replies received`,
      };
    },
  },
  {
    id: "write-lazy-pirate",
    step: "req-rep-client",
    demo: "req-rep",
    role: "client",
    title: "Write it: a client that survives a restart",
    goal: `Make the client survive a server restart: once your client has ${LAZY_PIRATE_BEFORE} replies, this exercise kills the server while it holds a request (which is lost with it) and starts it again. Your client must then get ${LAZY_PIRATE_AFTER} replies from the new server.`,
    hints: [
      "A REQ socket whose request was lost waits for its reply for ever: give it a receive timeout, `new zmq.Request({ receiveTimeout: 2000 })`.",
      "When receive() throws (the timeout), that socket cannot send again: close it and make a fresh one, connected to the same endpoint.",
      "Make `socket` a `let`, wrap the receive in try/catch, and in the catch close, recreate, connect, and go round again: the Lazy Pirate.",
    ],
    params: { interval: 200, work: 800 },
    drive({ events }) {
      if (!editedNodes(events, "client").has("client-1")) return undefined;
      const acted = (action: string) =>
        events.find((event) => event.kind === "action" && event.action === action && event.node === "server-1");
      const killed = acted("kill");
      // Killed: started again once it has gone (a node is restarted only after it exited).
      if (killed)
        return !acted("restart") && events.some((event) => event.kind === "exit" && event.node === "server-1" && event.t >= killed.t)
          ? { action: "restart", node: "server-1" }
          : undefined;
      const replies = deliveries(events).filter((event) => event.node === "client-1");
      const last = replies.at(-1);
      // The server holds a request (received after the last reply): killing it now loses that request.
      const holding = last !== undefined && deliveries(events).some((event) => event.node === "server-1" && event.t > last.t);
      return replies.length >= LAZY_PIRATE_BEFORE && holding ? { action: "kill", node: "server-1" } : undefined;
    },
    check({ events }) {
      if (!editedNodes(events, "client").has("client-1")) return notYours("client");
      const restart = events.find((event) => event.kind === "action" && event.action === "restart" && event.node === "server-1");
      if (!restart)
        return {
          done: false,
          progress: `${deliveries(events).filter((event) => event.node === "client-1").length} replies; the server is restarted after ${LAZY_PIRATE_BEFORE}`,
        };
      const after = deliveries(events).filter((event) => event.node === "client-1" && event.t > restart.t).length;
      return { done: after >= LAZY_PIRATE_AFTER, progress: `the server was restarted; ${after} of ${LAZY_PIRATE_AFTER} replies since` };
    },
  },
  {
    id: "write-sub-weather",
    step: "pub-sub-subscriber",
    demo: "pub-sub",
    role: "subscriber",
    title: "Write it: only the weather",
    goal: `Change the subscriber so that it receives only “weather” messages: every subscriber running your code gets at least ${FILTERED} of them, and not one of another topic.`,
    hints: [
      "Filtering happens in the publisher's socket, not in your loop: a message your code skips was still sent to you.",
      "The subscription is a prefix of the topic.",
      'socket.subscribe("weather")',
    ],
    params: { rate: 20 },
    check({ events }) {
      const yours = editedNodes(events, "subscriber");
      if (yours.size === 0) return notYours("subscriber");
      const weather = new Map([...yours].map((node) => [node, 0]));
      let other = 0;
      for (const event of deliveries(events)) {
        if (!yours.has(event.node)) continue;
        if (event.frames[0]?.text.startsWith("weather")) weather.set(event.node, weather.get(event.node)! + 1);
        else other += 1;
      }
      if (other > 0) return { done: false, progress: `your subscribers received ${other} messages of other topics` };
      const fewest = Math.min(...weather.values());
      return {
        done: fewest >= FILTERED,
        progress: `each of your ${yours.size} subscribers has at least ${Math.min(fewest, FILTERED)} of ${FILTERED} weather messages`,
      };
    },
  },
  {
    id: "write-log-topics",
    step: "pub-logger-handler",
    demo: "pub-logger",
    role: "program",
    title: "Write it: the level as the topic",
    goal: `Write the log handler so that each record goes out with its level as the topic (the first frame) and the record as JSON after it: the watcher must receive ${LOG_RECORDS} records from your programs, of at least two levels, each under its own level.`,
    hints: [
      "A message of two frames is an array: socket.send([topic, body]).",
      "The level is record.level; the body is JSON.stringify(record).",
      "Chain each send on the one before (previous = previous.then(…)): a socket takes one send at a time.",
    ],
    starter: `export function addZmqHandler(logger: Logger, endpoint: string): void {
  const socket = new zmq.Publisher();
  socket.connect(endpoint);

  // A socket takes one send at a time: each record waits for the one before it.
  let previous = Promise.resolve();
  logger.addHandler((record) => {
    // Your part: send the record on socket, its level as the topic, the record as JSON.
  });
}`,
    check({ events }) {
      const yours = editedNodes(events, "program");
      if (yours.size === 0) return notYours("program");
      const levels = new Set<string>();
      let good = 0;
      for (const event of deliveries(events)) {
        if (!yours.has(event.from) || !event.node.startsWith("watcher")) continue;
        const level = /"level":"(\w+)"/.exec(event.frames[1]?.text ?? "")?.[1];
        if (level === undefined || event.frames[0]?.text !== level)
          return { done: false, progress: `the watcher got a record under “${event.frames[0]?.text ?? ""}”, not its level` };
        levels.add(level);
        good += 1;
      }
      return {
        done: good >= LOG_RECORDS && levels.size >= 2,
        progress: `${Math.min(good, LOG_RECORDS)} of ${LOG_RECORDS} records under their level (${levels.size} levels)`,
      };
    },
  },
  {
    id: "write-queue-forwarding",
    step: "device-queue-code",
    demo: "queue",
    role: "queue",
    title: "Write it: forward both ways",
    goal: `Write the QUEUE device's forwarding: requests from the clients to the workers, replies back. Both clients must get ${QUEUE_REPLIES} replies through your device.`,
    hints: [
      "forward(from, to) passes every message of one socket to the other: you need it in both directions.",
      "Each direction is a loop that never ends: run them at the same time, not one after the other.",
      "await Promise.all([forward(frontend, backend), forward(backend, frontend)])",
    ],
    starter: `export async function queue(frontendEndpoint: string, backendEndpoint: string) {
  const frontend = new zmq.Router();
  const backend = new zmq.Dealer();
  await frontend.bind(frontendEndpoint);
  await backend.bind(backendEndpoint);

  // Your part: requests from frontend to backend, and replies from backend to frontend.
}`,
    params: { clients: 2, workers: 2, interval: 100, work: 100 },
    check({ events }) {
      if (!editedNodes(events, "queue").has("queue-1")) return notYours("queue");
      const clients = [...receivedBy(events, "client").values()];
      const served = clients.filter((count) => count >= QUEUE_REPLIES).length;
      return { done: clients.length === 2 && served === 2, progress: `${served} of 2 clients have ${QUEUE_REPLIES} replies` };
    },
  },
  {
    id: "write-adder-worker",
    step: "worker",
    demo: "dist-adder",
    role: "worker",
    title: "Write it: the adder's worker",
    goal: `Write the worker: take each Task, add up its numbers, publish a Result. This exercise picks the numbers: 0..${ADDER_PARAMS.length - 1} in sub-arrays of ${ADDER_PARAMS.size}, so the sink's total must be ${(ADDER_PARAMS.length * (ADDER_PARAMS.length - 1)) / 2}.`,
    hints: [
      "task.numbers is the sub-array; reduce adds it up.",
      "new Result(task.id, worker, sum).dump() is the message; send it on results.",
      "Await each send: a socket takes one send at a time.",
    ],
    starter: `export async function startWorker(tasksEndpoint: string, resultsEndpoint: string, worker: number) {
  const tasks = new zmq.Pull();
  const results = new zmq.XPublisher();
  results.connect(resultsEndpoint);
  // The sink's subscription: from now on, nothing published is dropped.
  await results.receive();
  tasks.connect(tasksEndpoint);

  for await (const [frame] of tasks) {
    const task = loadTask(frame!);
    if (!task) continue;
    // Your part: add up task.numbers and publish a Result for worker on results.
  }
}`,
    params: { ...ADDER_PARAMS, workers: 4, wait: 1 },
    check({ params, events }) {
      const yours = editedNodes(events, "worker");
      if (yours.size === 0) return notYours("worker");
      if (params.length !== ADDER_PARAMS.length || params.size !== ADDER_PARAMS.size)
        return {
          done: false,
          progress: `run it with the numbers this exercise picked: length ${ADDER_PARAMS.length}, size ${ADDER_PARAMS.size}`,
        };
      const expected = (ADDER_PARAMS.length * (ADDER_PARAMS.length - 1)) / 2;
      const totals = events
        .flatMap((event) => (event.kind === "log" && event.node.startsWith("sink") ? [/Total: (\d+)/.exec(event.text)?.[1]] : []))
        .filter((total) => total !== undefined);
      const allYours = spawned(events, "worker").size === yours.size;
      if (totals.length === 0) return { done: false, progress: "no total from the sink yet" };
      const total = Number(totals.at(-1));
      return { done: allYours && total === expected, progress: `the sink's total is ${total}; it should be ${expected}` };
    },
  },
];
