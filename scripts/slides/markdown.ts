/**
 * Turns the talk's Markdown files into reveal.js sections.
 *
 * A file holds one or more slides, split by a line of `---`. Each slide opens with a heading
 * that names its stable id: `# Request/Reply {#req-rep}` (classes may follow: `{#title .big}`).
 * A line `Note:` starts the speaker notes. Two directives stand on lines of their own:
 *   @code demos/req-rep/client.ts#startClient [lines=4-6]   code cut from a demo, highlighted
 *   @demo req-rep [spans=slide-id,slide-id]                  the live demo widget; a run lives
 *                                                            on across the slides it spans
 */
import { existsSync } from "node:fs";
import { Marked } from "marked";
import { type CodeReference, extractCode, parseCodeReference } from "./extract-code.js";
import { highlight } from "./highlight.js";

export interface SlideFile {
  /** For messages: where the slide came from. */
  name: string;
  text: string;
}

export interface RenderedDeck {
  html: string;
  /** Slide ids in order. */
  ids: string[];
  /** Files the slides read code from, so a change to one rebuilds the deck. */
  codeFiles: string[];
}

const marked = new Marked({ gfm: true });
const HEADING = /^(#{1,3})\s+(.*?)\s*\{([^}]*)\}\s*$/;
const DIRECTIVE = /^@(code|demo)\s+(.+?)\s*$/;

function escapeAttribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

function parseLineSet(text: string | undefined): Set<number> {
  const lines = new Set<number>();
  for (const part of (text ?? "").split(",").filter(Boolean)) {
    const [from, to] = part.split("-").map(Number) as [number, number | undefined];
    for (let line = from; line <= (to ?? from); line++) lines.add(line);
  }
  return lines;
}

interface Directive {
  placeholder: string;
  render(): Promise<string>;
}

export async function renderDeck(root: string, files: SlideFile[]): Promise<RenderedDeck> {
  const sections: string[] = [];
  const ids: string[] = [];
  const codeFiles = new Set<string>();

  for (const file of files) {
    const slides = file.text.split(/^\s*---\s*$/m).filter((slide) => slide.trim() !== "");
    for (const [number, slide] of slides.entries()) {
      const where = `${file.name}, slide ${number + 1}`;
      const [body, notes] = slide.split(/^Note:\s*$/m, 2) as [string, string | undefined];
      const lines = body.trim().split("\n");
      const heading = HEADING.exec(lines[0] ?? "");
      if (!heading) throw new Error(`${where}: the first line must be a heading with an id, like "# Title {#id}"`);
      const [, hashes, title, attributes] = heading as unknown as [string, string, string, string];
      const id = /#([a-z0-9-]+)/.exec(attributes)?.[1];
      if (!id) throw new Error(`${where}: the heading has no {#id}`);
      if (ids.includes(id)) throw new Error(`${where}: the id ${id} is used twice`);
      ids.push(id);
      const classes = [...attributes.matchAll(/\.([\w-]+)/g)].map((match) => match[1]);
      lines[0] = `${hashes} ${title}`;

      const directives: Directive[] = [];
      const markdown = lines
        .map((line) => {
          const directive = DIRECTIVE.exec(line);
          if (!directive) return line;
          const placeholder = `<!--directive-${directives.length}-->`;
          const [, kind, argument] = directive as unknown as [string, "code" | "demo", string];
          directives.push({ placeholder, render: kind === "code" ? codeDirective(root, argument, where, codeFiles) : demoDirective(root, argument, where) });
          return `\n${placeholder}\n`;
        })
        .join("\n");

      let html = await marked.parse(markdown);
      for (const directive of directives) html = html.replace(directive.placeholder, await directive.render());
      const notesHtml = notes?.trim() ? `<aside class="notes">${await marked.parse(notes.trim())}</aside>` : "";
      const classAttribute = classes.length > 0 ? ` class="${classes.join(" ")}"` : "";
      sections.push(`<section id="${id}" data-title="${escapeAttribute(title)}"${classAttribute}>\n${html}${notesHtml}</section>`);
    }
  }
  return { html: sections.join("\n"), ids, codeFiles: [...codeFiles] };
}

function codeDirective(root: string, argument: string, where: string, codeFiles: Set<string>): () => Promise<string> {
  const [referenceText, ...options] = argument.split(/\s+/) as [string, ...string[]];
  let reference: CodeReference;
  try {
    reference = parseCodeReference(referenceText);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
  codeFiles.add(reference.file);
  const highlighted = parseLineSet(options.find((option) => option.startsWith("lines="))?.slice("lines=".length));
  return async () => {
    let code: string;
    try {
      code = extractCode(root, reference);
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`);
    }
    const language = reference.file.endsWith(".py") ? "python" : "typescript";
    const html = await highlight(code, language, highlighted);
    return `<div class="code-block" data-source="${escapeAttribute(referenceText)}">${html}</div>`;
  };
}

function demoDirective(root: string, argument: string, where: string): () => Promise<string> {
  const [name = "", ...options] = argument.split(/\s+/);
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(`${root}/demos/${name}/manifest.ts`)) {
    throw new Error(`${where}: there is no demo "${name}" (demos/${name}/manifest.ts)`);
  }
  const spans = options.find((option) => option.startsWith("spans="))?.slice("spans=".length).split(",").filter(Boolean) ?? [];
  for (const id of spans) if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`${where}: "${id}" is not a slide id`);
  const spansAttribute = spans.length > 0 ? ` spans="${spans.join(" ")}"` : "";
  return async () => `<zmq-demo demo="${name}"${spansAttribute}></zmq-demo>`;
}
