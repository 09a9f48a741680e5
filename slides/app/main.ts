/**
 * Boots the deck: the slides rendered at build time, reveal.js, the demo widgets, and the
 * keys and slide changes that start and stop runs.
 */
import Reveal from "reveal.js";
import Notes from "reveal.js/plugin/notes";
import "reveal.js/reset.css";
import "reveal.js/reveal.css";
import "./fonts.css";
import "./theme.css";
import { slidesHtml } from "virtual:slides";
import { BridgeClient } from "./bridge-client.js";
import { BridgeStatusBanner } from "./bridge-status.js";
import { ZmqDemo } from "./demo-widget.js";
import { guardPostMessages } from "./message-gate.js";
import { RunDock } from "./run-dock.js";

// Decided before the widgets exist: the PDF's print view shows still frames of recorded runs;
// the speaker view's previews (reveal.js adds ?receiver) mirror the main window and never
// start processes of their own.
if (/print-pdf/i.test(location.search)) ZmqDemo.mode = "print";
else if (/receiver/i.test(location.search)) ZmqDemo.mode = "mirror";

const slidesElement = document.querySelector<HTMLElement>(".reveal .slides")!;
slidesElement.innerHTML = slidesHtml;

const deck = new Reveal({
  hash: true,
  width: 1280,
  height: 720,
  margin: 0.04,
  transition: "slide",
  // A narrow presenter window keeps slide mode instead of reveal.js's scroll view.
  scrollActivationWidth: 0,
  // One PDF page per slide, fragments shown.
  pdfSeparateFragments: false,
  pdfMaxPagesPerSlide: 1,
  // Its API for other windows is off: the speaker view's few calls go through message-gate.ts.
  postMessage: false,
  plugins: [Notes],
});
guardPostMessages(deck);

// A quiet way into the tutorial, at the slide on screen (not in the PDF or the speaker view's previews).
const tutorialLink = document.createElement("a");
tutorialLink.className = "tutorial-link";
tutorialLink.textContent = "Tutorial";
tutorialLink.title = "Read this talk at your own pace, with exercises";
const pointTutorialAt = (slideId: string) => (tutorialLink.href = `tutorial.html#${slideId}`);
if (ZmqDemo.mode === "live") document.body.append(tutorialLink);

const widgets = () => [...document.querySelectorAll<ZmqDemo>("zmq-demo")];

await deck.initialize();
pointTutorialAt(deck.getCurrentSlide()?.id ?? "");
deck.on("slidechanged", (event) => pointTutorialAt((event as unknown as { currentSlide: Element }).currentSlide.id));

// The main window keeps its connection open, reconnects after a loss, and says so on screen.
if (ZmqDemo.mode === "live") {
  const banner = new BridgeStatusBanner(BridgeClient.shared());
  banner.render();
  banner.bind();
  BridgeClient.shared().connect();
}

deck.addKeyBinding({ keyCode: 82, key: "R", description: "Run or stop this slide's demo" }, () => {
  for (const widget of deck.getCurrentSlide()?.querySelectorAll<ZmqDemo>("zmq-demo") ?? []) widget.toggle();
});

if (ZmqDemo.mode === "live") {
  const dock = new RunDock();
  dock.render(document.body);
  // A run lives on its slide, and on the slides it says it spans: leaving them stops it.
  deck.on("slidechanged", (event) => {
    const current = (event as unknown as { currentSlide: Element }).currentSlide;
    for (const widget of widgets()) if (!widget.livesOn(current.id)) widget.stop();
    dock.update(current.id);
  });
  document.addEventListener("zmq-demo-state", () => dock.update());
  dock.update(deck.getCurrentSlide()?.id ?? "");
}
