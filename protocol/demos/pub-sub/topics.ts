/** What the publisher talks about: topics whose prefixes the subscribers filter on. */
export const TOPICS = ["weather/paris", "weather/tokyo", "sports/football", "news/tech"];
/** The filters a subscriber may take: everything, or one prefix. */
export const FILTERS = ["", "weather", "sports", "news"];
