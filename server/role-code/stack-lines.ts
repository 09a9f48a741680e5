/**
 * What a learner reads when their edited role fails: the stack frames of their module, which
 * Node names by its place in the run's folder and its line in the spliced module, rewritten to
 * `your code, line N:C`, counted from their function's first line as the editor counts them.
 * Frames in the rest of that module keep the module's own numbering (demos/DEMO/FILE:LINE), and
 * no temporary path is left in what the output panel shows.
 */

/** Where the learner's function sits in the module that ran. */
export interface EditedSpan {
  /** The run's folder of edited modules. */
  folder: string;
  /** The demo's folder name under demos/ (`req-rep`). */
  demo: string;
  /** The edited module's file name in that folder (`server.ts`). */
  file: string;
  /** Lines of the spliced module holding the learner's text, 1-based, inclusive. */
  firstLine: number;
  lastLine: number;
  /** The line at which the demo's own function ended, in the module as the demo has it. */
  originalLastLine: number;
  /**
   * How a place in the learner's text is written: `your code, line N:C` by default; the
   * terminal names the learner's file instead (`my-server.ts:N:C`).
   */
  place?(line: number, column: string | undefined): string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A function that rewrites one line of a process's output; lines that name no edited module pass as they are. */
export function learnerStackLines(span: EditedSpan): (line: string) => string {
  const folder = escapeRegExp(span.folder.replace(/\/$/, ""));
  // Node's report of an uncaught exception names the line alone (`file:///…/server.ts:8`), a frame line and column.
  const editedFrame = new RegExp(`(?:file://)?${folder}/${escapeRegExp(span.file)}:(\\d+)(?::(\\d+))?`, "g");
  const elsewhere = new RegExp(`(?:file://)?${folder}/`, "g");
  const shift = span.lastLine - span.originalLastLine;
  const place = span.place ?? ((line: number, column: string | undefined) => `your code, line ${line}${column ? `:${column}` : ""}`);
  return (line) => {
    if (!line.includes(span.folder.replace(/\/$/, ""))) return line;
    return line
      .replace(editedFrame, (_, lineText: string, column: string | undefined) => {
        const at = Number(lineText);
        if (at >= span.firstLine && at <= span.lastLine) return place(at - span.firstLine + 1, column);
        return `demos/${span.demo}/${span.file}:${at > span.lastLine ? at - shift : at}${column ? `:${column}` : ""}`;
      })
      .replace(elsewhere, `demos/${span.demo}/`);
  };
}
