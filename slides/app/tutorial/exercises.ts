/**
 * The tutorial's exercises, as data: where each sits, which demo it runs, what the learner is
 * asked to make happen, a hint, and a pure check over the events of the learner's own live run.
 * A check sees only what the real processes reported (through the bridge); nothing else can
 * make it pass. No DOM here: the checks are unit-tested with crafted event sequences.
 */
import type { DeliverEvent, RunEvent } from "../../../protocol/messages.js";

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
  hint: string;
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

export const ROUND_TRIPS = 3;
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
    hint: "Set transport to “ipc” before pressing Run (or focus the Run button and press Enter), then wait a couple of seconds. The endpoint under the diagram now starts with ipc://.",
    check({ events }) {
      const overIpc = events.some((event) => event.kind === "bound" && event.node === "server-1" && event.endpoint.startsWith("ipc://"));
      const replies = deliveries(events).filter((event) => event.node === "client-1" && event.from === "server-1").length;
      return { done: overIpc && replies >= ROUND_TRIPS, progress: `${overIpc ? "over ipc" : "not over ipc"}; ${replies} of ${ROUND_TRIPS} replies received` };
    },
  },
  {
    id: "req-rep-efsm",
    step: "req-rep",
    demo: "req-rep",
    title: "Break the lockstep",
    goal: "Make the REQ client fail with libzmq's EFSM error: a REQ socket must receive a reply before it sends again.",
    hint: "While the demo runs, pick client-1 under the diagram and press “Send twice”.",
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
    hint: "Set workers to 4 before pressing Run: PUSH deals tasks round-robin to every connected PULL.",
    check({ events }) {
      const counts = [...receivedBy(events, "worker").values()];
      const served = counts.filter((count) => count >= FAIR_SHARE).length;
      return { done: counts.length === 4 && served === 4, progress: `${counts.length} workers started; ${served} have ${FAIR_SHARE} tasks or more` };
    },
  },
  {
    id: "push-pull-kill",
    step: "push-pull",
    demo: "push-pull",
    title: "Kill a worker, find the lost tasks",
    goal: "Kill a worker while tasks are queued for it, and find the tasks that were lost with it.",
    hint: "Raise the rate (say 60 a second) so tasks queue up, Run, pick a worker and press Kill. Lost tasks show in red.",
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
    hint: "Run the demo, then paste the command below into a terminal in the project folder (after `npm run build:node`).",
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
    goal: `Give a subscriber the filter “sports” and let it receive ${FILTERED} messages, all of them sports.`,
    hint: "While it runs, pick a subscriber, choose “sports” in its filter menu and press Filter.",
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
      const counts = [...since].map(([node, from]) => {
        const received = deliveries(events).filter((event) => event.node === node && event.t > from);
        return received.every((event) => event.frames[0]?.text.startsWith("sports")) ? received.length : 0;
      });
      const best = Math.max(0, ...counts);
      return { done: best >= FILTERED, progress: since.size === 0 ? "no subscriber switched to sports yet" : `${best} of ${FILTERED} sports messages received` };
    },
  },
  {
    id: "pub-sub-slow-joiner",
    step: "pub-sub",
    demo: "pub-sub",
    title: "Catch the slow joiner",
    goal: `With sync off and the publisher at ${SLOW_JOINER_RATE.toLocaleString("en")} messages a second, find the messages subscribers missed while they were still joining.`,
    hint: `Keep sync “off” and raise the rate to ${SLOW_JOINER_RATE.toLocaleString("en")} a second: a subscriber takes a few milliseconds to connect and subscribe, and only a fast publisher is sure to send meanwhile.`,
    check({ params, events }) {
      const lost = events.filter((event) => event.kind === "lost" && event.reason === "slow-joiner").length;
      const fast = params.sync === 0 && (params.rate ?? 0) >= SLOW_JOINER_RATE;
      return { done: fast && lost > 0, progress: `${fast ? `sync off, ${params.rate} a second` : `not yet sync off at ${SLOW_JOINER_RATE.toLocaleString("en")} a second`}; ${lost} messages lost to slow joiners` };
    },
  },
  {
    id: "pub-sub-sync",
    step: "pub-sub",
    demo: "pub-sub",
    title: "Fix the slow joiner",
    goal: `Turn sync on and see every subscriber receive at least ${SYNCED} messages with none lost.`,
    hint: "Set sync to “on”: the publisher waits until every subscriber has subscribed before it sends.",
    check({ params, events }) {
      const lost = events.filter((event) => event.kind === "lost").length;
      const counts = [...receivedBy(events, "subscriber").values()];
      const served = counts.filter((count) => count >= SYNCED).length;
      const done = params.sync === 1 && lost === 0 && counts.length > 0 && served === counts.length;
      return { done, progress: `sync ${params.sync === 1 ? "on" : "off"}; ${served} of ${counts.length} subscribers have ${SYNCED}; ${lost} lost` };
    },
  },
  {
    id: "queue-three-workers",
    step: "device-queue",
    demo: "queue",
    title: "Through the QUEUE device",
    goal: "With two clients and three workers, get every worker to serve a request through the device and every client a reply.",
    hint: "Set clients to 2 and workers to 3, then Run: the device's ROUTER and DEALER share requests among the workers.",
    check({ events }) {
      const workers = [...receivedBy(events, "worker").values()];
      const clients = [...receivedBy(events, "client").values()];
      const done = workers.length === 3 && clients.length === 2 && workers.every((count) => count > 0) && clients.every((count) => count > 0);
      return { done, progress: `${workers.filter((count) => count > 0).length} of ${workers.length} workers served; ${clients.filter((count) => count > 0).length} of ${clients.length} clients answered` };
    },
  },
  {
    id: "dist-adder-total",
    step: "complete-application",
    demo: "dist-adder",
    title: "Add 0..99999 with eight workers",
    goal: `Compute the sum of 0..${DIST_LENGTH - 1} with eight workers: the sink prints “Total: ${DIST_TOTAL}”.`,
    hint: `Set length to ${DIST_LENGTH}, size to 1000, workers to 8 and wait to “on” (otherwise the first worker to connect takes every sub-array), then Run.`,
    check({ events }) {
      const workers = spawned(events, "worker").size;
      const total = events.some((event) => event.kind === "log" && event.node.startsWith("sink") && event.text.includes(`Total: ${DIST_TOTAL} `));
      return { done: workers === 8 && total, progress: `${workers} workers; ${total ? "the sink printed the total" : "no total yet"}` };
    },
  },
];
