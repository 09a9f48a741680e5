/**
 * Boots the deck: the slides rendered at build time, reveal.js, the demo widgets, and the
 * keys and slide changes that start and stop runs; on a phone, the reading layout; for a
 * viewer of a shared deck, following the presenter's slide. The widgets' code loads once the
 * first slide is on screen: no slide needs it to be drawn; the code editor (E on a code slide)
 * only when it is first opened.
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
import { keepControlKeysFromDeck } from "./deck-keys.js";
import type { ZmqDemo } from "./demo-widget.js";
import { guardPostMessages } from "./message-gate.js";
import { pageMode, shareToken } from "./page-mode.js";
import { ThemeSwitch, applyTheme, keptTheme } from "./theme-switch.js";
import { loadTrace } from "./trace-player.js";

const live = pageMode === "live";

function browserStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
/** Narrower than this (a phone), the deck reads as a column (reading-layout.ts); the tutorial narrows its demos at the same width. */
const READING_QUERY = "(max-width: 700px)";
// A phone reads the deck as a column; the speaker view's small previews stay slides.
const reading = live && matchMedia(READING_QUERY).matches;
applyTheme(keptTheme());

const slidesElement = document.querySelector<HTMLElement>(".reveal .slides")!;
slidesElement.innerHTML = slidesHtml;

const deck = new Reveal({
  hash: true,
  width: 1280,
  height: 720,
  margin: 0.04,
  transition: "slide",
  // The arrow back is as plain to see as the arrow on (reveal.js fades it by default, under 3:1).
  controlsBackArrows: "visible",
  // Numbers on every slide and in the speaker view: "12/40".
  slideNumber: "c/t",
  showSlideNumber: "all",
  // Never reveal.js's scroll view: it shows the same scaled-down slides; a phone gets the reading layout.
  scrollActivationWidth: 0,
  // The reading layout lays the slides out itself, and scrolls rather than swipes.
  disableLayout: reading,
  touch: !reading,
  controls: !reading,
  progress: !reading,
  // One PDF page per slide, fragments shown.
  pdfSeparateFragments: false,
  pdfMaxPagesPerSlide: 1,
  // Its API for other windows is off: the speaker view's few calls go through message-gate.ts.
  postMessage: false,
  plugins: [Notes],
});
guardPostMessages(deck);

// The corner's quiet controls (not in the PDF or the speaker view's previews): the light/dark
// switch, the way into the tutorial at the slide on screen, and a viewer's follow toggle.
const corner = document.createElement("nav");
corner.className = "deck-corner";
corner.setAttribute("aria-label", "Deck");
keepControlKeysFromDeck(corner);
const tutorialLink = document.createElement("a");
tutorialLink.className = "tutorial-link";
tutorialLink.textContent = "Tutorial";
tutorialLink.title = "Read this talk at your own pace, with exercises";
const pointTutorialAt = (slideId: string) => (tutorialLink.href = `tutorial.html#${slideId}`);
if (live) {
  // First on the page: in the reading layout it is the bar at the top of the column.
  document.body.prepend(corner);
  new ThemeSwitch().render(corner);
  corner.append(tutorialLink);
}

const widgets = () => [...document.querySelectorAll<ZmqDemo>("zmq-demo")];
const slideIndex = (slideId: string) => [...slidesElement.querySelectorAll(":scope > section")].findIndex((slide) => slide.id === slideId);
const currentSlideId = () => deck.getCurrentSlide()?.id ?? "";
const onSlideChanged = (listener: (slideId: string) => void) =>
  deck.on("slidechanged", (event) => listener((event as unknown as { currentSlide: Element }).currentSlide.id));

await deck.initialize();
pointTutorialAt(currentSlideId());
onSlideChanged(pointTutorialAt);
// What only some pages need is loaded only by them: the speaker view's mending, a phone's layout, a viewer's following.
if (pageMode === "mirror") void import("./speaker-view.js").then(({ mendSpeakerView }) => mendSpeakerView());

if (reading) {
  const { ReadingLayout } = await import("./reading-layout.js");
  const layout = new ReadingLayout(deck);
  layout.render();
  layout.bind();
  // Turned (a phone on its side, a window widened): the other layout, from the same slide.
  matchMedia(READING_QUERY).addEventListener("change", () => location.reload());
}

// The main window keeps its connection open, reconnects after a loss, and says so on screen.
if (live) {
  const bridge = BridgeClient.shared();
  const banner = new BridgeStatusBanner(bridge);
  banner.render();
  banner.bind();
  bridge.connect();
  if (shareToken() !== undefined) {
    const { FollowPresenter } = await import("./follow-presenter.js");
    const follow = new FollowPresenter(bridge, (slideId) => {
      const index = slideIndex(slideId);
      if (index >= 0) deck.slide(index);
    });
    follow.render(corner);
    follow.bind();
    onSlideChanged((slideId) => follow.update(slideId));
  } else {
    // Viewers of a shared deck follow the presenter's slide.
    bridge.showSlide(currentSlideId());
    onSlideChanged((slideId) => bridge.showSlide(slideId));
    // Every recording the page may need is fetched now: a bridge that dies mid-talk takes the server with it.
    const keep = () => {
      for (const widget of widgets()) void loadTrace(widget.getAttribute("demo") ?? "", widget.getAttribute("params") ?? "");
    };
    if ("requestIdleCallback" in window) requestIdleCallback(keep, { timeout: 1000 });
    else setTimeout(keep, 1000);
  }
}

/** The demo an open editor on a code slide runs (set once the editor's buttons are loaded). */
let editedWidgetOn: (slide: Element | undefined) => ZmqDemo | undefined = () => undefined;
deck.addKeyBinding({ keyCode: 82, key: "R", description: "Run or stop this slide's demo (with your code on an edited code slide)" }, () => {
  const slide = deck.getCurrentSlide();
  const widgets = [...(slide?.querySelectorAll<ZmqDemo>("zmq-demo") ?? [])];
  const edited = editedWidgetOn(slide);
  for (const widget of widgets.length > 0 ? widgets : edited ? [edited] : []) widget.toggle();
});

await import("./demo-widget.js");
// The presenter may edit a role's function on its code slide and run it (a viewer never sends code).
if (live && shareToken() === undefined) {
  const edits = await import("./code-edit/edit-buttons.js");
  editedWidgetOn = edits.editedWidgetOn;
  edits.addEditButtons(slidesElement, {
    storage: browserStorage(),
    // The demo's widget whose run spans this slide; else the demo's first, made to span it too.
    widgetFor(block, demo) {
      const slideId = block.closest("section")?.id ?? "";
      const candidates = widgets().filter((widget) => widget.getAttribute("demo") === demo);
      const widget = candidates.find((candidate) => candidate.livesOn(slideId)) ?? candidates[0];
      if (widget && !widget.livesOn(slideId)) widget.setAttribute("spans", `${widget.getAttribute("spans") ?? ""} ${slideId}`.trim());
      return widget;
    },
  });
  deck.addKeyBinding({ keyCode: 69, key: "E", description: "Edit this slide's code and run your version with R" }, () =>
    edits.editOn(deck.getCurrentSlide()),
  );
}
if (pageMode !== "print") {
  const { RunDock } = await import("./run-dock.js");
  const dock = new RunDock({ list: live });
  dock.render(document.body);
  // A run lives on its slide, and on the slides it says it spans: leaving them stops it.
  onSlideChanged((slideId) => {
    if (live) for (const widget of widgets()) if (!widget.livesOn(slideId)) widget.stop();
    dock.update(slideId);
  });
  document.addEventListener("zmq-demo-state", () => dock.update());
  dock.update(currentSlideId());
}
// Every widget, key binding and panel is in place: what scripts driving the deck wait for
// (a slide shows before then, and E, R or a widget's legend may not work yet).
document.documentElement.dataset.deck = "ready";
