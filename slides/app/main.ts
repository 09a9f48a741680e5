/**
 * Boots the deck: the slides rendered at build time, reveal.js, the demo widgets, and the
 * keys and slide changes that start and stop runs.
 */
import Reveal from "reveal.js";
import Notes from "reveal.js/plugin/notes";
import "reveal.js/reset.css";
import "reveal.js/reveal.css";
import "./theme.css";
import { slidesHtml } from "virtual:slides";
import { BridgeClient } from "./bridge-client.js";
import { BridgeStatusBanner } from "./bridge-status.js";
import { ZmqDemo } from "./demo-widget.js";

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
  plugins: [Notes],
});

function widgetsIn(slide: Element | undefined): ZmqDemo[] {
  return slide ? [...slide.querySelectorAll<ZmqDemo>("zmq-demo")] : [];
}

await deck.initialize();
// The speaker view's previews load this same page; they must not start processes.
if (deck.isSpeakerNotes()) ZmqDemo.passive = true;

// The main window keeps its connection open, reconnects after a loss, and says so on screen.
if (!ZmqDemo.passive) {
  const banner = new BridgeStatusBanner(BridgeClient.shared());
  banner.render();
  banner.bind();
  BridgeClient.shared().connect();
}

deck.addKeyBinding({ keyCode: 82, key: "R", description: "Run or stop this slide's demo" }, () => {
  for (const widget of widgetsIn(deck.getCurrentSlide())) widget.toggle();
});

// A run lives on its slide: leaving the slide stops it.
deck.on("slidechanged", (event) => {
  const current = (event as unknown as { currentSlide: Element }).currentSlide;
  for (const widget of document.querySelectorAll<ZmqDemo>("zmq-demo")) {
    if (!current.contains(widget)) widget.stop();
  }
});
