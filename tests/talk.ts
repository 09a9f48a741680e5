/**
 * The talk "ZeroMQ from scratch" as issue 3 lists it: each section's first slide, by id and
 * title, in the order the talk tells them. Tests hold the deck to this.
 */
export const TALK_SECTIONS: readonly { id: string; title: string }[] = [
  { id: "title", title: "ZeroMQ from scratch" },
  { id: "what-is-zeromq", title: "What is ZeroMQ" },
  { id: "why", title: "Why" },
  { id: "plain-sockets", title: "What is wrong with plain sockets" },
  { id: "basic-concepts", title: "Basic concepts" },
  { id: "connection", title: "Connection" },
  { id: "patterns", title: "Patterns" },
  { id: "req-rep", title: "Request/Reply" },
  { id: "push-pull", title: "Push/Pull" },
  { id: "pub-sub", title: "Publish/Subscribe" },
  { id: "pub-logger", title: "Pub logger" },
  { id: "complete-application", title: "Complete application" },
  { id: "multithreading", title: "On multithreading" },
  { id: "thanks", title: "Thanks! Questions?" },
  { id: "links", title: "Links" },
];

/**
 * What the talk's ditaa pictures were made of: box corners `+----+`, rounded `/----\`,
 * sides `|    |` and arrows `---->`. None may reach a slide: the pictures are SVG now.
 */
export const ASCII_ART = /\+-{3,}|-{3,}\+|[/\\]-{3,}|-{3,}[/\\]|\|\s{3,}\||-{2,}>|<-{2,}/;
