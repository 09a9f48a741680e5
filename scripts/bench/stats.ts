/** A figure of the benchmark: the median of its runs, with the least and the most. */
export interface Figure {
  name: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  runs: number;
  target?: string;
  /** What else a reader needs to judge it: the rate it ran at, whether counts were exact. */
  note?: string;
}

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarise(name: string, unit: string, samples: number[], extra: { target?: string; note?: string } = {}): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  return { name, unit, median: median(samples), min: sorted[0]!, max: sorted.at(-1)!, runs: samples.length, ...extra };
}

/** Prints figures as the bench's table: one row each, numbers to a tenth. */
export function printFigures(figures: Figure[]): void {
  console.table(
    figures.map(({ name, unit, median, min, max, runs, target, note }) => ({
      name,
      unit,
      median: +median.toFixed(1),
      min: +min.toFixed(1),
      max: +max.toFixed(1),
      runs,
      target: target ?? "",
      note: note ?? "",
    })),
  );
}
