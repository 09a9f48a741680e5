/**
 * Takes a piece of a demo's source by name, as the talk's `literalinclude :pyobject:` did:
 * the code on a slide is cut from the file that runs, at build time, never pasted.
 */
import { readFileSync } from "node:fs";
import { extractSymbol } from "../../server/role-code/cut.js";

/** What a slide names: a file under the repository, and a function (or a line range) in it. */
export interface CodeReference {
  /** Path from the repository root, such as `demos/req-rep/client.ts`. */
  file: string;
  /** A top-level function, class, interface, type or const, by name. */
  symbol?: string;
  /**
   * Lines, 1-based and inclusive: of the symbol when there is one (so the range survives edits
   * elsewhere in the file, such as a new import), else of the file.
   */
  lines?: { from: number; to: number };
}

/**
 * Parses `demos/req-rep/client.ts#startClient`, a few lines of it `…#startClient:L7-L9`, or
 * lines of the file `demos/req-rep/client.ts#L3-L9`.
 */
export function parseCodeReference(text: string): CodeReference {
  const [file, anchor] = text.trim().split("#", 2) as [string, string | undefined];
  if (!file) throw new Error(`no file in code reference "${text}"`);
  if (!anchor) return { file };
  const parsed = /^(?:([A-Za-z_$][\w$]*))?(?:(?:^|:)L(\d+)-L(\d+))?$/.exec(anchor);
  if (!parsed || (!parsed[1] && !parsed[2])) throw new Error(`"${anchor}" is neither a name, a line range (L3-L9) nor both (name:L3-L9)`);
  const [, symbol, from, to] = parsed;
  return { file, ...(symbol ? { symbol } : {}), ...(from ? { lines: { from: Number(from), to: Number(to) } } : {}) };
}

/** Lines with their common indentation taken off, so a range cut from a loop body sits at the left. */
function dedent(lines: string[]): string[] {
  const indents = lines.filter((line) => line.trim() !== "").map((line) => /^ */.exec(line)![0].length);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(common));
}

/** The code a reference names, read from disk relative to `root`. */
export function extractCode(root: string, reference: CodeReference): string {
  const source = readFileSync(`${root}/${reference.file}`, "utf8");
  const code = reference.symbol ? extractSymbol(source, reference.file, reference.symbol) : source.trimEnd();
  if (!reference.lines) return code;
  const lines = code.split("\n");
  const { from, to } = reference.lines;
  const where = reference.symbol ? `${reference.file}#${reference.symbol}` : reference.file;
  if (from < 1 || to > lines.length || from > to) throw new Error(`${where} has no lines ${from}-${to}`);
  return dedent(lines.slice(from - 1, to)).join("\n");
}
