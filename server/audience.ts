/**
 * The presenter's runs, shown to whoever watches them: viewers of a shared deck send
 * `watch` with a demo's name and from then on receive every presenter run of that demo, the
 * live one and those to come, as the presenter's own page does (started, events, stopped).
 * Only presenter runs are shown; two presenter tabs never see each other's runs unless one
 * of them asks to watch. And the presenter's slide: every viewer is told which slide the
 * presenter shows, when it connects and at every change, so that it can follow.
 */
import type { RunEvent, StopReason } from "../protocol/messages.js";

/** What a watching connection is told. */
export interface Watcher {
  runStarted(watchRequestId: string, runId: string, demo: string, params: Record<string, number>): void;
  runEvent(runId: string, event: RunEvent): void;
  runStopped(runId: string, reason: StopReason): void;
}

/** A viewer, told the presenter's slide. */
export interface Follower {
  presenterShows(slide: string): void;
}

interface ShownRun {
  /** The presenter page that started it. */
  owner: Watcher;
  demo: string;
  params: Record<string, number>;
  /** Who has been told this run started, so only they hear its events. */
  watchers: Set<Watcher>;
  /**
   * Each node's latest spawn and, if it has since ended, its exit: replayed to a viewer who
   * arrives mid-run so the nodes show their pids. Only the latest life is kept, so a run whose
   * nodes are killed and restarted for hours holds one or two events per node.
   */
  lifecycle: Map<string, RunEvent[]>;
}

export class Audience {
  /** Per demo name: each watcher, with the requestId of its watch request. */
  readonly #watches = new Map<string, Map<Watcher, string>>();
  readonly #runs = new Map<string, ShownRun>();
  readonly #followers = new Set<Follower>();
  #presenterSlide: string | undefined;

  /** `follower` is told the presenter's slide, now if there is one, and at every change. */
  follow(follower: Follower): void {
    this.#followers.add(follower);
    if (this.#presenterSlide !== undefined) follower.presenterShows(this.#presenterSlide);
  }

  /** The presenter shows `slide`: every follower is told. */
  slideShown(slide: string): void {
    if (slide === this.#presenterSlide) return;
    this.#presenterSlide = slide;
    for (const follower of this.#followers) follower.presenterShows(slide);
  }

  /** `watcher` is shown every presenter run of `demo`, starting with those already live. */
  watch(watcher: Watcher, demo: string, requestId: string): void {
    let watchers = this.#watches.get(demo);
    if (!watchers) this.#watches.set(demo, (watchers = new Map()));
    watchers.set(watcher, requestId);
    for (const [runId, run] of this.#runs) {
      if (run.demo !== demo || run.owner === watcher || run.watchers.has(watcher)) continue;
      run.watchers.add(watcher);
      watcher.runStarted(requestId, runId, demo, run.params);
      for (const events of run.lifecycle.values()) for (const event of events) watcher.runEvent(runId, event);
    }
  }

  /** `watcher` has gone: it is shown nothing more. */
  forget(watcher: Watcher & Partial<Follower>): void {
    this.#followers.delete(watcher as Follower);
    for (const watchers of this.#watches.values()) watchers.delete(watcher);
    for (const run of this.#runs.values()) run.watchers.delete(watcher);
  }

  /** A presenter run began; `owner`, the page that started it, sees it already and is not told twice. */
  runStarted(runId: string, demo: string, params: Record<string, number>, owner: Watcher): void {
    const run: ShownRun = { owner, demo, params, watchers: new Set(), lifecycle: new Map() };
    this.#runs.set(runId, run);
    for (const [watcher, requestId] of this.#watches.get(demo) ?? []) {
      if (watcher === owner) continue;
      run.watchers.add(watcher);
      watcher.runStarted(requestId, runId, demo, params);
    }
  }

  runEvent(runId: string, event: RunEvent): void {
    const run = this.#runs.get(runId);
    if (!run) return;
    if (event.kind === "spawn") run.lifecycle.set(event.node, [event]);
    if (event.kind === "exit") run.lifecycle.get(event.node)?.push(event);
    for (const watcher of run.watchers) watcher.runEvent(runId, event);
  }

  runStopped(runId: string, reason: StopReason): void {
    const run = this.#runs.get(runId);
    this.#runs.delete(runId);
    if (run) for (const watcher of run.watchers) watcher.runStopped(runId, reason);
  }
}
