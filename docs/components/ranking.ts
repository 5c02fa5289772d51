import * as Plot from "npm:@observablehq/plot";

/** Horizontal bars of a ranking (servers, languages, apps…), largest first. */
export function ranking<T extends Record<string, unknown>>(rows: T[], {y, x, width = 640, label = null}: {y: keyof T & string; x: keyof T & string; width?: number; label?: string | null}): Node {
  return Plot.plot({
    width,
    height: Math.max(120, rows.length * 22 + 40),
    marginLeft: 150,
    x: {grid: true, label},
    y: {label: null},
    marks: [
      Plot.barX(rows, {y, x, sort: {y: "-x"}, fill: "var(--theme-foreground-focus)", tip: true}),
      Plot.ruleX([0])
    ]
  });
}
