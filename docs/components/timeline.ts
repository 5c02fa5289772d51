import * as Plot from "npm:@observablehq/plot";

/** Toots per minute: raw minutes faint, a centred moving average on top. */
export function tootsPerMinute(rows: {minute: number; toots: number}[], {width = 640, smooth = 15} = {}): Node {
  const data = rows.map((d) => ({date: new Date(d.minute), toots: d.toots}));
  return Plot.plot({
    width,
    height: 280,
    x: {type: "utc", label: null},
    y: {grid: true, label: "toots per minute", zero: true},
    marks: [
      Plot.lineY(data, {x: "date", y: "toots", stroke: "var(--theme-foreground-faint)", strokeWidth: 1}),
      Plot.lineY(data, Plot.windowY({k: smooth, anchor: "middle"}, {x: "date", y: "toots", stroke: "var(--theme-foreground-focus)", strokeWidth: 2, tip: true})),
      Plot.ruleY([0])
    ]
  });
}
