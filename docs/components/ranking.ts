import * as Plot from "npm:@observablehq/plot";

/** Horizontal bars of a ranking (servers, languages, apps…), largest first. */
export function ranking<T extends Record<string, unknown>>(rows: T[], {y, x, width = 640, label = null}: {y: keyof T & string; x: keyof T & string; width?: number; label?: string | null}): Node {
  return Plot.plot({
    width,
    height: Math.max(120, rows.length * 22 + 40),
    // Room for the longest label (about 6.5 px a character at Plot's 10 px font), within reason.
    marginLeft: Math.min(280, Math.max(60, 10 + 6.5 * Math.max(0, ...rows.map((r) => String(r[y]).length)))),
    x: {grid: true, label},
    y: {label: null},
    marks: [
      Plot.barX(rows, {y, x, sort: {y: "-x"}, fill: "var(--theme-foreground-focus)", tip: true}),
      Plot.ruleX([0])
    ]
  });
}
