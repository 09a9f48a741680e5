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
import { DIRECTIVE, codeSize } from "../scripts/slides/directives.js";
import { extractCode, parseCodeReference } from "../scripts/slides/extract-code.js";
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
    assert.deepEqual(
      silent.map((slide) => slide.where),
      [],
      "slides without notes",
    );
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

/** Every `@code` listing of the talk: where it is, what it names, the code it shows, and its slide's notes. */
function listings(): { where: string; reference: string; code: string; notes: string }[] {
  return readSlideFiles(REPO_ROOT).flatMap(({ name, text }) =>
    text.split(/^\s*---\s*$/m).flatMap((slide) => {
      const [body, notes = ""] = slide.split(/^Note:\s*$/m, 2) as [string, string?];
      return body.split("\n").flatMap((line) => {
        const directive = DIRECTIVE.exec(line.trim());
        if (directive?.[1] !== "code") return [];
        const reference = directive[2]!.split(/\s+/)[0]!;
        return [{ where: name, reference, code: extractCode(REPO_ROOT, parseCodeReference(reference)), notes }];
      });
    }),
  );
}

describe("the code on the slides reads like zeromq.js's own examples", () => {
  it("every listing fits its slide: no line wraps, so the build warns of none", () => {
    const wrapping = listings().filter(({ code }) => !codeSize(code).fits);
    assert.deepEqual(
      wrapping.map(({ where, reference }) => `${where}: ${reference}`),
      [],
    );
  });

  it("no listing stops inside a block it opened, nor starts inside one", () => {
    const depth = (code: string) =>
      [...code.replace(/`[^`]*`|"[^"]*"|'[^']*'/g, "")].reduce((open, char) => open + (char === "{" ? 1 : char === "}" ? -1 : 0), 0);
    const cut = listings().filter(({ code }) => depth(code) !== 0);
    assert.deepEqual(
      cut.map(({ where, reference }) => `${where}: ${reference}`),
      [],
    );
  });

  it("the patterns' code carries no pacing or tuning: the Push slide no timing, the Pub/Sub slides no queue sizes or padding", () => {
    const shown = new Map(listings().map(({ reference, code }) => [reference, code]));
    const push = shown.get("demos/push-pull/push.ts#push") ?? "";
    assert.doesNotMatch(push, /performance\.now|sleep\(|due\b/, "the Push slide sends; its pace is a named helper");
    for (const reference of ["demos/pub-sub/pub.ts#pub", "demos/pub-sub/sub.ts#sub"]) {
      assert.ok(shown.has(reference), `${reference} is on a slide`);
      assert.doesNotMatch(shown.get(reference)!, /HighWaterMark|BufferSize|padding|Buffer\.alloc/, `${reference} sets no queue sizes`);
    }
  });

  it("a function of ours on a slide is obviously ours: imported from the demo's own folder and named in the slide's notes, never from the reporting layer", () => {
    for (const { where, reference, code, notes } of listings()) {
      const file = reference.split("#")[0]!;
      const source = readFileSync(`${REPO_ROOT}${file}`, "utf8");
      for (const [, names, from] of source.matchAll(/^import \{([^}]+)\} from "([^"]+)";$/gm)) {
        if (from!.startsWith("node:")) continue;
        for (const name of names!.split(",").map((part) => part.trim().replace(/^type\s+/, ""))) {
          if (!new RegExp(`\\b${name}\\(`).test(code)) continue;
          if (from === "../lib/role.js") continue;
          assert.ok(
            !from!.startsWith("../lib/"),
            `${where}: ${reference} calls ${name} from the reporting layer (${from}), which looks like zeromq.js`,
          );
          // A helper of the demo's own, such as paced(): the notes say it is ours.
          if (/^[a-z]/.test(name) && from!.startsWith("./"))
            assert.match(notes, new RegExp(`\\b${name}\\b[^.]*\\bours\\b`), `${where}: the notes of ${reference} say ${name} is ours`);
        }
      }
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
