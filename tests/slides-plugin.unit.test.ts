/**
 * The slides' Vite plugin, on small decks made for each test: what each directive renders, and
 * that a slide naming something that does not exist fails the build with the slide's place.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { CODE_SIZES, codeSize } from "../scripts/slides/directives.js";
import { renderDeck } from "../scripts/slides/markdown.js";

let root: string;

before(() => {
  root = mkdtempSync(path.join(tmpdir(), "slides-plugin-"));
  mkdirSync(path.join(root, "demos/echo"), { recursive: true });
  mkdirSync(path.join(root, "protocol/demos/echo"), { recursive: true });
  mkdirSync(path.join(root, "protocol/demos/slow-subscriber"), { recursive: true });
  mkdirSync(path.join(root, "slides/figures"), { recursive: true });
  writeFileSync(
    path.join(root, "demos/echo/echo.ts"),
    [
      "import x from 'y';",
      "",
      "export function echo(text: string) {",
      "  const upper = text.toUpperCase();",
      "  console.log(upper);",
      "  return upper;",
      "}",
      "",
    ].join("\n"),
  );
  writeFileSync(path.join(root, "protocol/demos/echo/manifest.ts"), "export const echo = {};\n");
  // Presets are checked against the real demos' parameters.
  writeFileSync(path.join(root, "protocol/demos/slow-subscriber/manifest.ts"), "export const slowSubscriber = {};\n");
  writeFileSync(path.join(root, "slides/figures/drawing.svg"), '<?xml version="1.0"?>\n<svg viewBox="0 0 10 10"><circle r="4"/></svg>\n');
});
after(() => rmSync(root, { recursive: true, force: true }));

const deck = (text: string) => renderDeck(root, [{ name: "slides/10-test.md", text }]);

describe("the slides plugin", () => {
  it("splits a file into slides with their ids, titles and speaker notes", async () => {
    const { slides, html } = await deck("# One {#one}\n\nHello\n\nNote:\nSay hello.\n\n---\n\n# Two *parts* {#two .title}\n\nBye\n");
    assert.deepEqual(
      slides.map(({ id, title }) => ({ id, title })),
      [
        { id: "one", title: "One" },
        { id: "two", title: "Two parts" },
      ],
    );
    assert.match(slides[0]!.notesHtml, /Say hello/);
    assert.equal(slides[1]!.notesHtml, "");
    assert.match(html, /<section id="two" data-title="Two parts" class="title">/);
    assert.match(html, /<aside class="notes"><p>Say hello.<\/p>/);
  });

  it("cuts a function out of its file and highlights it", async () => {
    const { html, sourceFiles } = await deck("# Code {#code}\n\n@code demos/echo/echo.ts#echo\n");
    assert.match(html, /<div class="code-block code-large" data-source="demos\/echo\/echo.ts#echo"><pre class="shiki/);
    assert.match(html, /toUpperCase/);
    assert.doesNotMatch(html, /import x/, "only the function, not the rest of the file");
    assert.deepEqual(sourceFiles, ["demos/echo/echo.ts"]);
  });

  it("cuts lines of a function, counted from its first line, and sets them at the left margin", async () => {
    const { html } = await deck("# Code {#code}\n\n@code demos/echo/echo.ts#echo:L2-L3\n");
    const text = html.replace(/<[^>]+>/g, "");
    assert.match(text, /^const upper = text.toUpperCase\(\);\nconsole.log\(upper\);/m);
    assert.doesNotMatch(text, /export function|return upper/);
    await assert.rejects(deck("# Code {#code}\n\n@code demos/echo/echo.ts#echo:L2-L9\n"), /demos\/echo\/echo.ts#echo has no lines 2-9/);
  });

  it("turns steps into reveal.js fragments and marks each step's lines", async () => {
    const { html } = await deck("# Code {#code}\n\n@code demos/echo/echo.ts#echo lines=1 steps=2|3-4\n");
    assert.equal((html.match(/class="fragment code-step"/g) ?? []).length, 2);
    assert.match(html, /data-step="1".*data-step="2"/s);
    const lineClasses = [...html.matchAll(/<span class="(line[^"]*)"/g)].map((match) => match[1]);
    assert.deepEqual(lineClasses, ["line highlighted", "line step-1", "line step-2", "line step-2", "line"]);
  });

  it("gives code the largest type it fits, and says when it fits none", () => {
    const code = (lines: number, columns: number) => Array.from({ length: lines }, () => "x".repeat(columns)).join("\n");
    assert.deepEqual(codeSize(code(12, 60)), { name: "large", fits: true });
    assert.deepEqual(codeSize(code(12, CODE_SIZES[0].columns + 1)), { name: "medium", fits: true });
    assert.deepEqual(codeSize(code(CODE_SIZES[1].lines + 1, 60)), { name: "small", fits: true });
    assert.deepEqual(codeSize(code(12, CODE_SIZES[2].columns + 1)), { name: "small", fits: false });
  });

  it("refuses to highlight a line the code does not have", async () => {
    await assert.rejects(deck("# Code {#code}\n\n@code demos/echo/echo.ts#echo steps=2|9\n"), /slides\/10-test.md, slide 1: .*no line 9/);
  });

  it("fails the build when a slide names a function its file does not have", async () => {
    await assert.rejects(
      deck("# Code {#code}\n\n@code demos/echo/echo.ts#shout\n"),
      /slides\/10-test.md, slide 1: demos\/echo\/echo.ts has no top-level shout/,
    );
  });

  it("fails the build when a slide names a file that does not exist", async () => {
    await assert.rejects(deck("# Code {#code}\n\n@code demos/echo/missing.ts#echo\n"), /slides\/10-test.md, slide 1: .*ENOENT.*missing.ts/);
  });

  it("renders a live demo widget only for a demo with a manifest", async () => {
    const { html } = await deck("# Live {#live}\n\n@demo echo\n");
    assert.match(html, /<zmq-demo demo="echo"><\/zmq-demo>/);
    await assert.rejects(deck("# Live {#live}\n\n@demo nothing\n"), /there is no demo "nothing"/);
  });

  it("presets a demo's fields with params=, and refuses a parameter it lacks or a value out of its bounds", async () => {
    const { html } = await deck("# Slow {#slow}\n\n@demo slow-subscriber params=work=200,hwm=1\n");
    assert.match(html, /<zmq-demo demo="slow-subscriber" params="work=200 hwm=1"><\/zmq-demo>/);
    await assert.rejects(deck("# Slow {#slow}\n\n@demo slow-subscriber params=speed=2\n"), /slow-subscriber has no parameter "speed"/);
    await assert.rejects(deck("# Slow {#slow}\n\n@demo slow-subscriber params=work=9000\n"), /work must be between 0 and 500/);
    await assert.rejects(deck("# Slow {#slow}\n\n@demo slow-subscriber params=work=\n"), /work must be a number/);
    await assert.rejects(deck("# Slow {#slow}\n\n@demo slow-subscriber param=work=1\n"), /unknown @demo option "param=work=1"/);
  });

  it("inlines a figure's SVG, without its XML prolog, and fails for a missing one", async () => {
    const { html } = await deck("# Picture {#picture}\n\n@figure drawing\n");
    assert.match(html, /<figure class="figure" data-figure="drawing"><svg viewBox="0 0 10 10"><circle r="4"\/><\/svg><\/figure>/);
    await assert.rejects(deck("# Picture {#picture}\n\n@figure missing\n"), /there is no figure "missing"/);
  });

  it("reveals the list items of a .build slide one at a time", async () => {
    const { html } = await deck("# Points {#points .build}\n\n- one\n- two\n");
    assert.equal((html.match(/<li class="fragment">/g) ?? []).length, 2);
  });

  it("puts a .backup slide below the slide before it, off the → path, and refuses one with nothing above it", async () => {
    const { html, slides } = await deck(
      "# Talk {#talk}\n---\n# Code {#code .backup}\n---\n# More code {#more .backup}\n---\n# Next {#next}\n",
    );
    // A reveal.js vertical stack: the slide on the → path on top, its backup slides below it.
    assert.match(
      html,
      /^<section class="stack">\n<section id="talk"[^>]*>[\s\S]*<section id="code"[^>]*class="backup"[\s\S]*<section id="more"[\s\S]*<\/section>\n<\/section>\n<section id="next"/,
    );
    assert.deepEqual(
      slides.map((slide) => slide.id),
      ["talk", "code", "more", "next"],
    );
    await assert.rejects(deck("# Code {#code .backup}\n"), /a backup slide goes below another slide/);
  });

  it("refuses a slide without an id, and an id used twice", async () => {
    await assert.rejects(deck("# No id\n"), /must be a heading with an id/);
    await assert.rejects(deck("# A {#same}\n---\n# B {#same}\n"), /the id same is used twice/);
  });
});
