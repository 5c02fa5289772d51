/** The banner every page shows when it is serving demo data, and the window line under it. */
export function demoNotice(data: {demo: boolean}): Node {
  if (!data.demo) return document.createTextNode("");
  const div = document.createElement("div");
  div.className = "warning";
  div.id = "demo-notice";
  const strong = document.createElement("strong");
  strong.textContent = "This is demo data.";
  const code = document.createElement("code");
  code.textContent = "npm run listen -- --server mastodon.social";
  div.append(strong, " The store is empty, so the page shows generated toots. To collect real ones, run ", code, " (see the README) and reload.");
  return div;
}

export function windowLine(data: {window: {from: number; to: number} | null; engine: string}): Node {
  const p = document.createElement("p");
  p.className = "muted";
  const fmt = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ") + " UTC";
  const w = data.window;
  p.textContent = w
    ? `${Math.round((w.to - w.from) / 3_600_000)} hours from ${fmt(w.from)} to ${fmt(w.to)} · engine: ${data.engine}`
    : "No toots yet.";
  return p;
}
