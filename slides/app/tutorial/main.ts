/**
 * Boots the tutorial (tutorial.html): the talk's slides as a document a learner reads at their
 * own pace, with narration, exercises checked against the live processes, and progress kept in
 * this browser.
 */
import "../fonts.css";
import "../theme.css";
import "./tutorial.css";
import { slidesHtml } from "virtual:slides";
import { BridgeClient } from "../bridge-client.js";
import { BridgeStatusBanner } from "../bridge-status.js";
import "../demo-widget.js";
import { ProgressStore } from "./progress.js";
import { TutorialReader } from "./reader.js";

function browserStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

// On a phone the demos lay their parts one under the other (theme.css, html.narrow).
const narrow = matchMedia("(max-width: 700px)");
const followWidth = () => document.documentElement.classList.toggle("narrow", narrow.matches);
followWidth();
narrow.addEventListener("change", followWidth);

const reader = new TutorialReader(
  document.querySelector<HTMLElement>("#tutorial")!,
  slidesHtml,
  new ProgressStore(browserStorage()),
  browserStorage(),
);
reader.render();
reader.bind();
reader.update();

const bridge = BridgeClient.shared();
bridge.onStatus((status) => reader.setBridgeLive(status.state === "open"));
const banner = new BridgeStatusBanner(bridge);
banner.render();
banner.bind();
bridge.connect();
