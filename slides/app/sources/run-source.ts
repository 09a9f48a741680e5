/**
 * Where a demo widget's run comes from. The widget picks one source when it connects (see
 * pickSource in the widget) and from then on only talks to it through this interface:
 * - live: the presenter's own run, started through the bridge (live-source.ts), which falls
 *   back to a recording when no bridge answers (fallback-source.ts, replay-source.ts);
 * - watch: a viewer of a shared deck follows the presenter's runs (watch-source.ts);
 * - mirror: a preview in reveal.js's speaker view follows, and drives, the main window's
 *   widget (mirror-source.ts);
 * - still: the PDF's print view shows a frame of a recorded run (still-source.ts).
 */
import type { ParamValues } from "../../../protocol/manifest.js";
import type { CodeDiagnostic, DeliverEvent, RunEvent } from "../../../protocol/messages.js";
import type { ActionChoice } from "../action-bar.js";
import type { EditedCode } from "../bridge-client.js";
import type { DemoEvent, DemoState } from "../demo-state.js";
import type { RunSnapshot } from "../run-model.js";

/** What a source tells the widget it feeds. */
export interface RunSink {
  /** A run (or a replay) begins afresh with these parameters: the picture starts from clean. */
  begin(params: ParamValues): void;
  /** A batch of the run's events; `live` is false for a recording. */
  events(events: RunEvent[], live: boolean): void;
  /** The run moved on (see demo-state.ts); `status` is what the status line says now. */
  transition(event: DemoEvent, status?: string): void;
  /** Words for the status line that change no state (the bridge went away, or came back). */
  notice(status: string): void;
  /** For a mirror: takes up the main window's state and picture as they are. */
  adopt(state: DemoState, status: string): void;
  restore(snapshot: RunSnapshot): void;
  /** For a still frame: these messages are drawn on their way, standing still; the frame is done. */
  freeze(inFlight: DeliverEvent[], status: string): void;
  /** The bridge found errors in the edited code of a run: nothing started; these are where. */
  codeProblems(diagnostics: CodeDiagnostic[]): void;
}

/**
 * A source says what its widget shows and allows, so the widget never asks which source it
 * has: one implementation per source, not one switch per feature.
 */
export interface RunSource {
  /** Whether this page may start and stop runs here (the Run button is shown). */
  readonly canRun: boolean;
  /** Whether this page may act on a live run's nodes. */
  readonly canAct: boolean;
  /** The parameter fields: set here for the next run, showing the parameters of the run followed, or not shown. */
  readonly params: "set" | "follow" | "none";
  /** A still frame: nothing travels, the animation's clock stands still, and its controls are not shown. */
  readonly still: boolean;
  /** Whether the speaker view's previews are told of its runs (the main window's own). */
  readonly mirrored: boolean;
  /** Starts feeding `sink`: a watch asks the bridge, a mirror asks the main window, a still draws. */
  connect(sink: RunSink): void;
  /** Starts a run with these parameters, and with `code` in place of one role's function if given. */
  run(params: ParamValues, code?: EditedCode): void;
  /** Ends the run or the replay, if there is one. */
  stop(): void;
  /** Asks for an action on the live run; resolves with the node it concerned, rejects with the reason it was refused. */
  act(choice: ActionChoice): Promise<string>;
  /** Stops feeding the sink, and ends whatever it started. */
  disconnect(): void;
}

/** What a source needs to know of its widget. */
export interface SourceContext {
  demo: string;
  /** The widget's `params` attribute: a slide's preset, whose recording differs. */
  preset: string;
  /** Names the widget across windows: its slide and its demo. */
  key: string;
}
