/**
 * Turns the talk's Markdown files into reveal.js sections.
 *
 * A file holds one or more slides, split by a line of `---`. Each slide opens with a heading
 * that names its stable id: `# Request/Reply {#req-rep}`; classes may follow: `{#title .big}`.
 * The class `.build` makes each list item appear on its own (a reveal.js fragment).
 * A line `Note:` starts the speaker notes. Directives (`@code`, `@demo`, `@figure`) stand on
 * lines of their own; directives.ts says what each does.
 * A slide of class `.backup` goes below the slide before it (a reveal.js vertical slide), out of
 * the path the → key takes through the talk: ↓ reaches it when a question asks for it.
 */
import { Marked } from "marked";
import { DIRECTIVE, type DirectiveKind, escapeAttribute, makeDirective } from "./directives.js";

export interface SlideFile {
  /** For messages: where the slide came from. */
  name: string;
  text: string;
}

/** One slide as the deck has it: what tests and tools need to know without a browser. */
export interface RenderedSlide {
  id: string;
  title: string;
  /** Where the slide came from, such as `slides/08-req-rep.md, slide 2`. */
  where: string;
  /** The speaker notes' HTML; empty when the slide has none. */
  notesHtml: string;
}

export interface RenderedDeck {
  html: string;
  slides: RenderedSlide[];
  /** Files the slides read (code, manifests, figures), so a change to one rebuilds the deck. */
  sourceFiles: string[];
}

const marked = new Marked({ gfm: true });
const HEADING = /^(#{1,3})\s+(.*?)\s*\{([^}]*)\}\s*$/;
/** A slide class that reveals its list items one at a time. */
const BUILD_CLASS = "build";
/** A slide class that puts the slide below the one before it, off the → path. */
const BACKUP_CLASS = "backup";

/** The title as text, for data-title and for tests: Markdown emphasis and code marks dropped. */
function plainTitle(title: string): string {
  return title.replace(/[*_`]/g, "");
}

export async function renderDeck(root: string, files: SlideFile[]): Promise<RenderedDeck> {
  /** The talk's horizontal slides, each with the backup slides stacked below it. */
  const stacks: string[][] = [];
  const slides: RenderedSlide[] = [];
  const sourceFiles = new Set<string>();

  for (const file of files) {
    const slideTexts = file.text.split(/^\s*---\s*$/m).filter((slide) => slide.trim() !== "");
    for (const [number, slideText] of slideTexts.entries()) {
      const where = `${file.name}, slide ${number + 1}`;
      const [body, notes] = slideText.split(/^Note:\s*$/m, 2) as [string, string | undefined];
      const lines = body.trim().split("\n");
      const heading = HEADING.exec(lines[0] ?? "");
      if (!heading) throw new Error(`${where}: the first line must be a heading with an id, like "# Title {#id}"`);
      const [, hashes, title, attributes] = heading as unknown as [string, string, string, string];
      const id = /#([a-z0-9-]+)/.exec(attributes)?.[1];
      if (!id) throw new Error(`${where}: the heading has no {#id}`);
      if (slides.some((slide) => slide.id === id)) throw new Error(`${where}: the id ${id} is used twice`);
      const classes = [...attributes.matchAll(/\.([\w-]+)/g)].map((match) => match[1]!);
      lines[0] = `${hashes} ${title}`;

      const placeholders: { placeholder: string; render: () => Promise<string> }[] = [];
      const markdown = lines
        .map((line) => {
          const directive = DIRECTIVE.exec(line);
          if (!directive) return line;
          const [, kind, argument] = directive as unknown as [string, DirectiveKind, string];
          let made: ReturnType<typeof makeDirective>;
          try {
            made = makeDirective(root, kind, argument);
          } catch (error) {
            throw new Error(`${where}: ${(error as Error).message}`);
          }
          for (const source of made.sourceFiles) sourceFiles.add(source);
          const placeholder = `<!--directive-${placeholders.length}-->`;
          placeholders.push({ placeholder, render: made.render });
          return `\n${placeholder}\n`;
        })
        .join("\n");

      let html = await marked.parse(markdown);
      for (const { placeholder, render } of placeholders) html = html.replace(placeholder, await render());
      if (classes.includes(BUILD_CLASS)) html = html.replace(/<li>/g, '<li class="fragment">');
      const notesHtml = notes?.trim() ? await marked.parse(notes.trim()) : "";
      const notesAside = notesHtml ? `<aside class="notes">${notesHtml}</aside>` : "";
      const classAttribute = classes.length > 0 ? ` class="${classes.join(" ")}"` : "";
      const section = `<section id="${id}" data-title="${escapeAttribute(plainTitle(title))}"${classAttribute}>\n${html}${notesAside}</section>`;
      const below = classes.includes(BACKUP_CLASS) ? stacks.at(-1) : undefined;
      if (classes.includes(BACKUP_CLASS) && !below)
        throw new Error(`${where}: a backup slide goes below another slide, and there is none before it`);
      if (below) below.push(section);
      else stacks.push([section]);
      slides.push({ id, title: plainTitle(title), where, notesHtml });
    }
  }
  const deckHtml = stacks
    .map((stack) => (stack.length === 1 ? stack[0]! : `<section class="stack">\n${stack.join("\n")}\n</section>`))
    .join("\n");
  return { html: deckHtml, slides, sourceFiles: [...sourceFiles] };
}
