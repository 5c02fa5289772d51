import * as Plot from "npm:@observablehq/plot";

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** Toots by weekday × UTC hour: the weekly rhythm. Missing cells are hours without toots. */
export function weekHeatmap(rows: {weekday: number; hour: number; toots: number}[], {width = 640} = {}): Node {
  return Plot.plot({
    width,
    height: 260,
    padding: 0.05,
    x: {label: "hour of day (UTC)", tickFormat: (h: number) => String(h).padStart(2, "0")},
    y: {label: null, tickFormat: (d: number) => DAYS[d], domain: [0, 1, 2, 3, 4, 5, 6]},
    color: {scheme: "blues", label: "toots", legend: true},
    marks: [Plot.cell(rows, {x: "hour", y: "weekday", fill: "toots", tip: true, inset: 0.5})]
  });
}
