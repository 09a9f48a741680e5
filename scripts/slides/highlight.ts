/**
 * Colours code for the slides at build time with shiki, in a light and a dark theme at once
 * (CSS picks one), so the browser ships HTML and no highlighter.
 */
import { createHighlighter, type Highlighter } from "shiki";

const LANGUAGES = ["typescript", "javascript", "python", "shell", "json"] as const;
let highlighter: Promise<Highlighter> | undefined;

/** Lines to mark, 1-based: highlighted throughout, and the lines of each step in turn. */
export interface LineMarks {
  highlighted: Set<number>;
  steps: Set<number>[];
}

export async function highlight(code: string, language: string, marks: LineMarks = { highlighted: new Set(), steps: [] }): Promise<string> {
  highlighter ??= createHighlighter({ themes: ["github-light-default", "github-dark-default"], langs: [...LANGUAGES] });
  const shiki = await highlighter;
  return shiki.codeToHtml(code, {
    lang: language,
    themes: { light: "github-light-default", dark: "github-dark-default" },
    defaultColor: false,
    transformers: [
      {
        line(node, line) {
          if (marks.highlighted.has(line)) this.addClassToHast(node, "highlighted");
          marks.steps.forEach((lines, index) => {
            if (lines.has(line)) this.addClassToHast(node, `step-${index + 1}`);
          });
        },
      },
    ],
  });
}
