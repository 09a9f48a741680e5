/// <reference lib="dom" />
/**
 * One name per process, everywhere: every demo run from its slide in Chromium and from the
 * terminal, and every recorded trace. A process is `ROLE-N`, counted from 1: its node id, its
 * label on the diagram ("Client 1"; a role of one process is its label alone), the prefix of its
 * output lines, its inspector, the terminal's prefix, and any process named in what the
 * processes print (`World from worker-2`, never "worker 2" or `worker-0`).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { before, describe, it } from "node:test";
import { manifests } from "../protocol/manifests.js";
import { type DemoManifest, defaultParams, roleCount } from "../protocol/manifest.js";
import { REPO_ROOT } from "../server/http.js";
import type { RecordedTrace } from "../protocol/trace-format.js";
import { renderDeck } from "../scripts/slides/markdown.js";
import { readSlideFiles } from "../scripts/slides/plugin.js";
import { useBridgeAndBrowser } from "./helpers/harness.js";

const harness = useBridgeAndBrowser();
const DEMO_SCRIPT = fileURLToPath(new URL("../scripts/demo.js", import.meta.url));
/** How long each demo runs before it is stopped: every process has printed by then, at least its totals. */
const RUN_MS = 3000;

/** The name the diagram gives node `role-index`: "Client 1", or "Server" for a role of one process. */
function labelOf(manifest: DemoManifest, role: string, index: number): string {
  const spec = manifest.roles[role]!;
  return spec.count.default > 1 || spec.count.max > 1 ? `${spec.label} ${index}` : spec.label;
}

/** The nodes a run with the defaults has, by id. */
function defaultNodes(manifest: DemoManifest): string[] {
  const params = defaultParams(manifest);
  return Object.entries(manifest.roles).flatMap(([role, spec]) =>
    Array.from({ length: roleCount(spec, params) }, (_, index) => `${role}-${index + 1}`),
  );
}

/**
 * What is wrong with how a printed line names processes: a `role-N` that is no node of the run,
 * or a process called by its label and a number ("worker 4", "Program 1") instead of its id.
 */
function namingProblems(manifest: DemoManifest, nodes: string[], text: string): string[] {
  const problems: string[] = [];
  const roles = Object.keys(manifest.roles).sort((a, b) => b.length - a.length);
  for (const match of text.matchAll(/\b([a-z]+(?:-[a-z]+)*)-(\d+)\b/g)) {
    const role = roles.find((candidate) => match[0].startsWith(`${candidate}-`) && /^\d+$/.test(match[0].slice(candidate.length + 1)));
    if (role && !nodes.includes(match[0])) problems.push(`"${match[0]}" is no process of the run`);
  }
  for (const spec of Object.values(manifest.roles)) {
    const byLabel = new RegExp(`\\b${spec.label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\d+\\b`, "i").exec(text);
    if (byLabel) problems.push(`"${byLabel[0]}" names a process by its label, not its id`);
  }
  return problems;
}

/** The slide that shows each demo, read from the deck as built. */
const slideOf = new Map<string, string>();
before(async () => {
  const deck = await renderDeck(REPO_ROOT, readSlideFiles(REPO_ROOT));
  for (const section of deck.html.matchAll(/<section id="([a-z0-9-]+)"[^>]*>([\s\S]*?)<\/section>/g)) {
    const demo = /<zmq-demo demo="([a-z0-9-]+)"/.exec(section[2]!)?.[1];
    if (demo && !slideOf.has(demo)) slideOf.set(demo, section[1]!);
  }
});

describe("one name per process, on every demo's slide", () => {
  for (const [name, manifest] of manifests) {
    it(`${name}: ids, labels, output prefixes, the inspector and what the processes print agree`, { timeout: 60_000 }, async () => {
      const slide = slideOf.get(name);
      assert.ok(slide, `a slide shows ${name}`);
      const page = await harness.openSlide(slide);
      const widget = page.locator(`section#${slide} zmq-demo[data-demo="${name}"]`);
      const nodes = defaultNodes(manifest);
      // Every line the output shows, as it is shown: the panel keeps only the latest that fit, and
      // a busy process's lines (the adder's sink) scroll the others' away before a viewer reads.
      // The panel is there once the widget has set itself up, which may be after the slide shows.
      await widget.locator(".demo-output").waitFor({ state: "attached" });
      await page.evaluate((selector) => {
        const seen: { printedBy: string; prefix: string; text: string }[] = [];
        (window as unknown as { printed: typeof seen }).printed = seen;
        new MutationObserver((changes) => {
          for (const change of changes)
            for (const item of change.addedNodes)
              if (item instanceof HTMLLIElement)
                seen.push({
                  printedBy: item.getAttribute("data-printed-by")!,
                  prefix: item.querySelector(".output-node")?.textContent ?? "",
                  text: item.lastChild?.textContent ?? "",
                });
        }).observe(document.querySelector(`${selector} .demo-output`)!, { childList: true });
      }, `section#${slide} zmq-demo[data-demo="${name}"]`);
      await widget.locator("button.demo-run").click();
      // Every process started, then a while to print: what a viewer waits for before reading.
      await page.waitForFunction(
        ([slide, count]) => document.querySelectorAll(`section#${slide} [data-node][data-status="running"]`).length === count,
        [slide, nodes.length] as const,
        { timeout: 30_000 },
      );
      await page.waitForTimeout(RUN_MS);

      const drawn = await widget.locator("[data-node]").evaluateAll((groups) =>
        groups.map((group) => ({
          id: group.getAttribute("data-node")!,
          role: group.getAttribute("data-role")!,
          label: group.querySelector(".node-label")?.textContent ?? "",
        })),
      );
      assert.deepEqual(drawn.map((node) => node.id).sort(), [...nodes].sort(), "the diagram's nodes are ROLE-N, counted from 1");
      for (const node of drawn) {
        const index = Number(node.id.slice(node.role.length + 1));
        assert.equal(node.label, labelOf(manifest, node.role, index), `${node.id}'s label`);
      }
      for (const id of nodes) {
        await widget.locator(`[data-node="${id}"]`).click();
        assert.equal(
          await widget.getByRole("region", { name: "Inspector" }).locator("h3").first().textContent(),
          id,
          `the inspector of ${id} is headed ${id}`,
        );
      }

      await widget.locator("button.demo-run").click();
      await page.locator(`section#${slide} zmq-demo[data-state="stopped"]`).waitFor({ timeout: 15_000 });
      // Each process's last lines (its totals, printed as Stop ends it) reach the panel a moment after.
      await page
        .waitForFunction(
          (ids) => {
            const printed = (window as unknown as { printed: { printedBy: string }[] }).printed;
            return ids.every((id) => printed.some((line) => line.printedBy === id));
          },
          nodes,
          { timeout: 5000 },
        )
        .catch(() => {});
      const lines = await page.evaluate(
        () => (window as unknown as { printed: { printedBy: string; prefix: string; text: string }[] }).printed,
      );
      assert.ok(lines.length > 0, "the processes printed");
      const printers = new Set<string>();
      for (const line of lines) {
        assert.ok(nodes.includes(line.printedBy), `a line printed by ${line.printedBy}, a node of the run`);
        assert.equal(line.prefix, line.printedBy, "each line is prefixed with its node's id");
        assert.deepEqual(namingProblems(manifest, nodes, line.text), [], `${line.printedBy}: ${line.text}`);
        printers.add(line.printedBy);
      }
      // Every process prints its totals as it ends: each one is heard from, under its one name.
      assert.deepEqual([...printers].sort(), [...nodes].sort(), "every process printed under its own name");
      await page.close();
    });
  }
});

describe("one name per process, in the terminal", () => {
  for (const [name, manifest] of manifests) {
    it(`${name}: npm run demo prefixes each line with the node's id, and the processes name each other by id`, {
      timeout: 60_000,
    }, async () => {
      const nodes = defaultNodes(manifest);
      const child = spawn(process.execPath, [DEMO_SCRIPT, name], { stdio: ["ignore", "pipe", "pipe"] });
      // A demo whose work is done (the adder) ends by itself.
      const exited = once(child, "exit");
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      // Every process started, then a while to print; then Ctrl-C, as a person at the terminal would.
      const deadline = Date.now() + 30_000;
      while (!nodes.every((node) => output.includes(`[${node}]`)) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, RUN_MS))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
      await exited;

      const prefixed = output.split("\n").flatMap((line) => {
        const match = /^\[([^\]]+)\]\s+(.*)$/.exec(line);
        return match ? [{ node: match[1]!, text: match[2]! }] : [];
      });
      assert.ok(prefixed.length > 0, output);
      for (const { node, text } of prefixed) {
        assert.ok(nodes.includes(node), `[${node}] is a node of the run`);
        assert.deepEqual(namingProblems(manifest, nodes, text), [], `[${node}] ${text}`);
      }
      assert.deepEqual(
        [...new Set(prefixed.map((line) => line.node))].sort(),
        [...nodes].sort(),
        "every process is heard from under its one name",
      );
    });
  }
});

describe("one name per process, in the recorded traces", () => {
  it("every node a trace names is ROLE-N of its demo, counted from 1", () => {
    for (const file of readdirSync(`${REPO_ROOT}public/traces`).filter((entry) => entry.endsWith(".json"))) {
      const trace = JSON.parse(readFileSync(`${REPO_ROOT}public/traces/${file}`, "utf8")) as RecordedTrace;
      const roles = Object.keys(manifests.get(trace.demo)!.roles);
      const isNode = (id: string) => id.startsWith("external-") || roles.some((role) => new RegExp(`^${role}-[1-9]\\d*$`).test(id));
      const named = new Set([
        ...Object.keys(trace.pids),
        ...trace.events.flatMap((event) => [
          event.node,
          ...("from" in event ? [event.from] : []),
          ...("to" in event && event.to ? [event.to] : []),
        ]),
      ]);
      assert.deepEqual(
        [...named].filter((id) => !isNode(id)),
        [],
        `${file} names only nodes of ${trace.demo}`,
      );
    }
  });
});
