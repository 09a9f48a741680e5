/**
 * The talk as the build renders it, without a browser: every section in order, notes on every
 * slide, no ASCII picture left, and the tiny basics demos the slides quote really run.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { before, describe, it } from "node:test";
import { REPO_ROOT } from "../server/http.js";
import { renderDeck, type RenderedDeck } from "../scripts/slides/markdown.js";
import { readSlideFiles } from "../scripts/slides/plugin.js";
import { ASCII_ART, TALK_SECTIONS } from "./talk.js";

let deck: RenderedDeck;

before(async () => {
  deck = await renderDeck(REPO_ROOT, readSlideFiles(REPO_ROOT));
});

describe("the talk, as built", () => {
  it("has every section of the talk, in order, each opening with its title", () => {
    const ids = deck.slides.map((slide) => slide.id);
    let previous = -1;
    for (const section of TALK_SECTIONS) {
      const position = ids.indexOf(section.id);
      assert.ok(position >= 0, `the deck has a slide #${section.id}`);
      assert.ok(position > previous, `#${section.id} comes after the section before it`);
      assert.equal(deck.slides[position]!.title, section.title, `#${section.id} is titled "${section.title}"`);
      previous = position;
    }
  });

  it("has speaker notes on every slide", () => {
    const silent = deck.slides.filter((slide) => slide.notesHtml.replace(/<[^>]+>/g, "").trim().length < 40);
    assert.deepEqual(silent.map((slide) => slide.where), [], "slides without notes");
  });

  it("shows code only as blocks cut from real files: no pasted code, no ASCII pictures", () => {
    const withoutCodeBlocks = deck.html.replace(/<div class="code-block[^"]*"[^>]*><pre[\s\S]*?<\/pre>/g, "");
    assert.doesNotMatch(withoutCodeBlocks, /<pre[\s>]/, "every <pre> on a slide is an @code block");
    const visibleText = withoutCodeBlocks.replace(/<!--[\s\S]*?-->/g, "").replace(/<[^>]+>/g, "");
    assert.doesNotMatch(visibleText, ASCII_ART);
    for (const name of readdirSync(`${REPO_ROOT}slides`).filter((file) => file.endsWith(".md"))) {
      const text = readFileSync(`${REPO_ROOT}slides/${name}`, "utf8");
      assert.doesNotMatch(text, /^(```|~~~|\.\. ditaa)/m, `slides/${name} pastes no code or diagram`);
      assert.doesNotMatch(text, ASCII_ART, `slides/${name} holds no ASCII picture`);
    }
  });
});

describe("line ranges on slides", () => {
  // Line ranges do not follow a file as it changes, as a function name does: pin what they show.
  it("the Serialising slide shows a Result dumped onto the network and loaded back", () => {
    const section = /<section id="serialising"[\s\S]*?<\/section>/.exec(deck.html)?.[0] ?? "";
    const code = section.replace(/<[^>]+>/g, "").replace(/&quot;/g, '"');
    assert.match(code, /results\.send\(new Result\(.*\)\.dump\(\)\)/, "the worker sends a Result's dump");
    assert.match(code, /Result\.load\(frame!?\)/, "the sink loads a Result from the frame");
  });
});

const run = promisify(execFile);
const basics = (name: string) => run(process.execPath, [`${REPO_ROOT}build/demos/basics/${name}.js`], { timeout: 20_000 });

describe("the basics demos the slides quote", () => {
  it("context.js makes a context and a REQ socket in it, then closes the socket", async () => {
    const { stdout } = await basics("context");
    assert.match(stdout, /^context: \d+ I\/O thread/m);
    assert.match(stdout, /^socket: REQ, in that context: true/m);
    assert.match(stdout, /^closed: true$/m);
  });

  it("bind-connect.js has three clients reach one bound server over inproc, ipc and tcp", async () => {
    const { stdout } = await basics("bind-connect");
    const replies = "World, client 1 | World, client 2 | World, client 3";
    assert.match(stdout, new RegExp(`^inproc://hello: 1 bound, 3 connected → ${replies.replace(/\|/g, "\\|")}$`, "m"));
    assert.match(stdout, /^ipc:\/\/\S+\.ipc: 1 bound, 3 connected → World, client 1/m);
    assert.match(stdout, /^tcp:\/\/127\.0\.0\.1:\d+: 1 bound, 3 connected → World, client 1/m);
  });
});
