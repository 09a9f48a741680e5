/** The levels of a log record, lowest first: the logger writes them and a watcher filters on them. */
export const LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"] as const;
