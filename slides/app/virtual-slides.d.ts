declare module "virtual:slides" {
  /** The reveal.js sections of the whole talk, rendered from slides/*.md at build time. */
  export const slidesHtml: string;
  /** Every slide's id, in order. */
  export const slideIds: string[];
}
