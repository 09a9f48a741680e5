/**
 * The directives a slide may hold, each on a line of its own. Each one is checked when the
 * deck is built, so a slide that names a file, function, demo or figure that does not exist
 * fails the build instead of showing something stale:
 *   @code demos/req-rep/client.ts#startClient [lines=4-6] [steps=3|5-6]
 *   @code demos/req-rep/client.ts#startClient:L7-L9       lines 7-9 of that function
 *   @demo req-rep [spans=req-rep-client,req-rep-server]   the live widget; a run lives on
 *                                                          across the slides it spans
 *   @demo pub-sub params=work=200,hwm=1                   …with its fields preset (within
 *                                                          the manifest's bounds)
 *   @figure sockets-on-steroids
 */
import { existsSync, readFileSync } from "node:fs";
import { type CodeReference, extractCode, parseCodeReference } from "./extract-code.js";
import { highlight, type LineMarks } from "./highlight.js";
import { manifests } from "../../protocol/manifests.js";
import { paramProblem } from "../../protocol/manifest.js";

/** Directive lines, as the slide's Markdown has them. */
export const DIRECTIVE = /^@(code|demo|figure)\s+(.+?)\s*$/;

/** reveal.js steps through at most this many highlights in a block: the theme styles each. */
export const MAX_CODE_STEPS = 8;

/**
 * Type sizes for code, largest first, with the most columns and lines each fits on a slide
 * (theme.css sets the sizes). The build picks the largest a block fits, so short code is as
 * big as the back row needs and long code still fits; past the last, long lines wrap.
 */
export const CODE_SIZES = [
  { name: "large", columns: 80, lines: 15 },
  { name: "medium", columns: 92, lines: 17 },
  { name: "small", columns: 102, lines: 20 },
] as const;

/** The largest type size `code` fits, and whether it fits even the smallest. */
export function codeSize(code: string): { name: (typeof CODE_SIZES)[number]["name"]; fits: boolean } {
  const lines = code.split("\n");
  const columns = Math.max(...lines.map((line) => line.length));
  const size = CODE_SIZES.find((candidate) => columns <= candidate.columns && lines.length <= candidate.lines);
  return size ? { name: size.name, fits: true } : { name: "small", fits: false };
}

export type DirectiveKind = "code" | "demo" | "figure";

/** A directive, checked; render() makes its HTML. */
export interface Directive {
  render(): Promise<string>;
  /** Files this directive reads, so editing one rebuilds the deck. */
  sourceFiles: string[];
}

/** Text made safe inside a double-quoted HTML attribute. */
export function escapeAttribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

/** `2,4-6` → {2, 4, 5, 6}. */
export function parseLineSet(text: string): Set<number> {
  const lines = new Set<number>();
  for (const part of text.split(",").filter(Boolean)) {
    const [from, to] = part.split("-").map(Number) as [number, number | undefined];
    if (!Number.isInteger(from) || (to !== undefined && !Number.isInteger(to)))
      throw new Error(`"${part}" is not a line or a range of lines`);
    for (let line = from; line <= (to ?? from); line++) lines.add(line);
  }
  return lines;
}

/** Reads `lines=…` and `steps=…|…` after a code reference. */
function parseCodeOptions(options: string[]): LineMarks {
  const marks: LineMarks = { highlighted: new Set(), steps: [] };
  for (const option of options) {
    const [name, value = ""] = option.split("=", 2) as [string, string | undefined];
    if (name === "lines") marks.highlighted = parseLineSet(value);
    else if (name === "steps") marks.steps = value.split("|").map(parseLineSet);
    else throw new Error(`unknown @code option "${option}" (lines=…, steps=…|…)`);
  }
  if (marks.steps.length > MAX_CODE_STEPS) throw new Error(`at most ${MAX_CODE_STEPS} steps in one code block`);
  return marks;
}

function codeDirective(root: string, argument: string): Directive {
  const [referenceText, ...options] = argument.split(/\s+/) as [string, ...string[]];
  const reference: CodeReference = parseCodeReference(referenceText);
  const marks = parseCodeOptions(options);
  // Extracted now, so a missing file or function fails before anything is rendered.
  const code = extractCode(root, reference);
  const lineCount = code.split("\n").length;
  for (const line of [...marks.highlighted, ...marks.steps.flatMap((step) => [...step])]) {
    if (line < 1 || line > lineCount) throw new Error(`${referenceText} has ${lineCount} lines; there is no line ${line} to highlight`);
  }
  const size = codeSize(code);
  if (!size.fits) {
    // Still shown, wrapped; said at build time so the demo's author can tighten it.
    console.warn(
      `${referenceText}: ${lineCount} lines, longest ${Math.max(...code.split("\n").map((line) => line.length))} columns; a slide fits ${CODE_SIZES.at(-1)!.lines} lines of ${CODE_SIZES.at(-1)!.columns}`,
    );
  }
  return {
    sourceFiles: [reference.file],
    async render() {
      const language = reference.file.endsWith(".py") ? "python" : "typescript";
      const html = await highlight(code, language, marks);
      // Empty fragments: reveal.js steps through them, and the theme highlights the lines
      // of whichever step is the current fragment.
      const stepFragments = marks.steps
        .map((_, index) => `<span class="fragment code-step" data-step="${index + 1}" aria-hidden="true"></span>`)
        .join("");
      return `<div class="code-block code-${size.name}" data-source="${escapeAttribute(referenceText)}">${html}${stepFragments}</div>`;
    },
  };
}

function demoDirective(root: string, argument: string): Directive {
  const [name = "", ...options] = argument.split(/\s+/);
  const manifest = `protocol/demos/${name}/manifest.ts`;
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(`${root}/${manifest}`)) throw new Error(`there is no demo "${name}" (${manifest})`);
  // spans=: the slides after this one that the run lives on across (the code of a running demo, say).
  const spans =
    options
      .find((option) => option.startsWith("spans="))
      ?.slice("spans=".length)
      .split(",")
      .filter(Boolean) ?? [];
  for (const id of spans) if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`"${id}" is not a slide id`);
  const spansAttribute = spans.length > 0 ? ` spans="${spans.join(" ")}"` : "";
  const preset = presetOf(name, options);
  const paramsAttribute = preset ? ` params="${escapeAttribute(preset)}"` : "";
  for (const option of options)
    if (!/^(spans|params)=/.test(option)) throw new Error(`unknown @demo option "${option}" (spans=…, params=…)`);
  return { sourceFiles: [manifest], render: async () => `<zmq-demo demo="${name}"${spansAttribute}${paramsAttribute}></zmq-demo>` };
}

/**
 * Every demo the slides show, with the preset of its fields if the slide gives one (as its
 * widget's `params` attribute will read, "work=150 hwm=1"; "" for none). For recording a
 * trace of each (scripts/record.ts) and checking they exist.
 */
export function demoShowings(files: { text: string }[]): { demo: string; preset: string }[] {
  const showings = new Map<string, { demo: string; preset: string }>();
  for (const { text } of files) {
    for (const line of text.split("\n")) {
      const match = DIRECTIVE.exec(line.trim());
      if (match?.[1] !== "demo") continue;
      const [demo = "", ...options] = match[2]!.split(/\s+/);
      const preset = presetOf(demo, options);
      showings.set(`${demo} ${preset}`, { demo, preset });
    }
  }
  return [...showings.values()];
}

/** A `@demo` line's `params=work=200,hwm=1` as its widget's attribute reads it ("work=200 hwm=1"), checked; "" without one. */
function presetOf(demo: string, options: string[]): string {
  const pairs =
    options
      .find((option) => option.startsWith("params="))
      ?.slice("params=".length)
      .split(",")
      .filter(Boolean) ?? [];
  return pairs.length > 0 ? presetParams(demo, pairs).join(" ") : "";
}

/** `work=200` pairs, each checked against the demo's parameters and their bounds. */
function presetParams(demo: string, pairs: string[]): string[] {
  const params = manifests.get(demo)?.params;
  if (!params) throw new Error(`demo "${demo}" is not in protocol/manifests.ts, so it takes no params=`);
  return pairs.map((pair) => {
    const [name = "", text = ""] = pair.split("=", 2);
    const spec = params[name];
    if (!spec) throw new Error(`${demo} has no parameter "${name}" (it has ${Object.keys(params).join(", ")})`);
    const value = text.trim() === "" ? Number.NaN : Number(text);
    const problem = paramProblem(spec, name, value);
    if (problem) throw new Error(`${demo}: ${problem}`);
    return `${name}=${value}`;
  });
}

/** Figures are our own SVG drawings under slides/figures/, inlined so they follow the theme. */
function figureDirective(root: string, name: string): Directive {
  const file = `slides/figures/${name}.svg`;
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(`${root}/${file}`)) throw new Error(`there is no figure "${name}" (${file})`);
  const svg = readFileSync(`${root}/${file}`, "utf8")
    .replace(/^<\?xml[^>]*>\s*/, "")
    .trim();
  if (!svg.startsWith("<svg")) throw new Error(`${file} must start with <svg`);
  return { sourceFiles: [file], render: async () => `<figure class="figure" data-figure="${name}">${svg}</figure>` };
}

/** Checks a directive and prepares its rendering. Throws with the reason when it names nothing real. */
export function makeDirective(root: string, kind: DirectiveKind, argument: string): Directive {
  if (kind === "code") return codeDirective(root, argument);
  if (kind === "demo") return demoDirective(root, argument);
  return figureDirective(root, argument);
}
