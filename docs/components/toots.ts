/**
 * A list of toots. Their text is HTML from strangers reduced to plain text by the listener, and it
 * is only ever put in the page as text (textContent), never parsed as HTML.
 */
export function tootList(rows: {created_at: number; account: string; language: string; text: string | null; tags: string[]}[]): HTMLElement {
  const list = document.createElement("ol");
  list.className = "toots";
  for (const row of rows) {
    const item = document.createElement("li");
    const meta = document.createElement("div");
    meta.className = "muted";
    meta.textContent = `${new Date(row.created_at).toISOString().slice(0, 19).replace("T", " ")} UTC · ${row.account} · ${row.language}`;
    const body = document.createElement("p");
    if (row.text === null) {
      body.className = "withheld";
      body.textContent = "(text withheld: the author opted out of indexing, or deleted the toot)";
    } else {
      body.textContent = row.text;
    }
    item.append(meta, body);
    list.append(item);
  }
  return list;
}
