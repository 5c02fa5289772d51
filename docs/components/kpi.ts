/** A KPI card: a number, its label, and the change from the previous window. */
export function kpi(label: string, value: number, previous: number, options: {windowLabel?: string} = {}): HTMLElement {
  const card = document.createElement("div");
  card.className = "card kpi";
  const h2 = document.createElement("h2");
  h2.textContent = label;
  const big = document.createElement("span");
  big.className = "big";
  big.textContent = value.toLocaleString("en-US");
  const delta = document.createElement("div");
  delta.className = "delta";
  delta.textContent = formatDelta(value, previous, options.windowLabel ?? "previous window");
  card.append(h2, big, delta);
  return card;
}

export function formatDelta(value: number, previous: number, against: string): string {
  if (previous === 0) return value === 0 ? `no change vs ${against}` : `new vs ${against}`;
  const change = (value - previous) / previous;
  const sign = change > 0 ? "+" : change < 0 ? "−" : "±";
  return `${sign}${Math.abs(change * 100).toFixed(1)}% vs ${against}`;
}
