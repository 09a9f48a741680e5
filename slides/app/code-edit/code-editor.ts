/**
 * The code editor: CodeMirror 6 in TypeScript mode, coloured like the slides' shiki themes
 * (github-light-default and github-dark-default, picked by the page's colour scheme), with the
 * bridge's diagnostics shown by CodeMirror's lint display at their lines. This module is the
 * heavy part of "Write it yourself" and is loaded only when Edit is first pressed.
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { javascript } from "@codemirror/lang-javascript";
import { HighlightStyle, bracketMatching, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { type Diagnostic, forceLinting, lintGutter, linter, setDiagnostics } from "@codemirror/lint";
import { EditorState, type Text } from "@codemirror/state";
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import type { CodeDiagnostic } from "../../../protocol/messages.js";

/** Each colour light then dark, as the slides' shiki themes give them (see highlight.ts). */
const colour = (light: string, dark: string) => `light-dark(${light}, ${dark})`;
const KEYWORD = colour("#CF222E", "#FF7B72");
const FUNCTION = colour("#8250DF", "#D2A8FF");
const CONSTANT = colour("#0550AE", "#79C0FF");
const STRING = colour("#0A3069", "#A5D6FF");
const PARAMETER = colour("#953800", "#FFA657");
const COMMENT = colour("#6E7781", "#8B949E");

const shikiLike = HighlightStyle.define([
  {
    tag: [
      tags.keyword,
      tags.operatorKeyword,
      tags.controlKeyword,
      tags.definitionKeyword,
      tags.moduleKeyword,
      tags.modifier,
      tags.operator,
    ],
    color: KEYWORD,
  },
  {
    tag: [
      tags.function(tags.variableName),
      tags.function(tags.propertyName),
      tags.function(tags.definition(tags.variableName)),
      tags.className,
    ],
    color: FUNCTION,
  },
  {
    tag: [
      tags.number,
      tags.bool,
      tags.null,
      tags.atom,
      tags.typeName,
      tags.definition(tags.variableName),
      tags.constant(tags.variableName),
    ],
    color: CONSTANT,
  },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: STRING },
  { tag: [tags.definition(tags.propertyName), tags.labelName], color: PARAMETER },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: COMMENT, fontStyle: "normal" },
]);

/** The editor's own look: the slides' code font and background; sizes come from the page (CSS). */
const look = EditorView.theme({
  "&": { color: "var(--fg)", backgroundColor: "var(--code-bg)", fontSize: "inherit", borderRadius: "10px" },
  "&.cm-focused": { outline: "3px solid var(--accent)", outlineOffset: "2px" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.42", fontVariantLigatures: "none" },
  ".cm-content": { caretColor: "var(--fg)", padding: "0.4em 0" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--fg)", borderLeftWidth: "2px" },
  ".cm-gutters": { backgroundColor: "var(--code-bg)", color: "var(--muted)", border: "none" },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent) 7%, transparent)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "color-mix(in srgb, var(--accent) 28%, transparent) !important",
  },
  ".cm-tooltip": {
    backgroundColor: "var(--panel)",
    color: "var(--fg)",
    border: "1px solid var(--line)",
    fontFamily: "var(--font)",
    fontSize: "0.8em",
  },
});

/** A bridge diagnostic placed in the document: line and column are 1-based in the learner's source. */
function toDiagnostic(doc: Text, problem: CodeDiagnostic): Diagnostic {
  const at = (line: number, column: number) => {
    const docLine = doc.line(Math.min(Math.max(1, line), doc.lines));
    return Math.min(docLine.from + Math.max(0, column - 1), docLine.to);
  };
  const from = at(problem.line, problem.column);
  let to = at(problem.endLine, problem.endColumn);
  // A zero-width problem (a missing brace) still gets a mark one character wide where there is one.
  if (to <= from) to = Math.min(from + 1, doc.line(Math.min(Math.max(1, problem.line), doc.lines)).to);
  const message = problem.outside
    ? `${problem.message} (in ${problem.elsewhere ?? "the rest of the demo"}, which calls your function)`
    : problem.message;
  return { from, to: Math.max(from, to), severity: problem.severity, message };
}

export interface CodeEditorOptions {
  parent: HTMLElement;
  source: string;
  /** Names the editor for assistive technology: "Your version of startServer". */
  label: string;
  /** Asks what is wrong with `source`: the bridge's check. Rejects when nobody can tell (no bridge). */
  check(source: string): Promise<CodeDiagnostic[]>;
  /** Every change of the text. */
  onChange(source: string): void;
  /** The problems now shown, after each check or run. */
  onProblems(problems: CodeDiagnostic[]): void;
}

export class CodeEditor {
  readonly #view: EditorView;
  readonly #options: CodeEditorOptions;

  constructor(options: CodeEditorOptions) {
    this.#options = options;
    const checker = linter(
      async (view) => {
        const source = view.state.doc.toString();
        let problems: CodeDiagnostic[];
        try {
          problems = await options.check(source);
        } catch {
          return [];
        }
        // Answered for an older text: its places would be wrong.
        if (view.state.doc.toString() !== source) return [];
        options.onProblems(problems);
        return problems.map((problem) => toDiagnostic(view.state.doc, problem));
      },
      { delay: 600 },
    );
    this.#view = new EditorView({
      parent: options.parent,
      state: EditorState.create({
        doc: options.source,
        extensions: [
          lineNumbers(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          EditorState.tabSize.of(2),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          javascript({ typescript: true }),
          syntaxHighlighting(shikiLike),
          checker,
          lintGutter(),
          look,
          // Long lines wrap, as the slides' listings do: nothing hides past the right edge.
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ "aria-label": options.label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) options.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
  }

  get source(): string {
    return this.#view.state.doc.toString();
  }

  /** Replaces the whole text (Reset, a starting point), as one step the learner can undo. */
  setSource(source: string): void {
    this.#view.dispatch({ changes: { from: 0, to: this.#view.state.doc.length, insert: source } });
    forceLinting(this.#view);
  }

  /** Shows problems found when a run was asked for (nothing started). */
  showProblems(problems: CodeDiagnostic[]): void {
    this.#view.dispatch(
      setDiagnostics(
        this.#view.state,
        problems.map((problem) => toDiagnostic(this.#view.state.doc, problem)),
      ),
    );
    this.#options.onProblems(problems);
  }

  focus(): void {
    this.#view.focus();
  }

  destroy(): void {
    this.#view.destroy();
  }
}
