import he from "he";

/**
 * Plain text from Mastodon's HTML content. Content is HTML from strangers: we never render it,
 * we only reduce it to text. Line structure survives (<br> → newline, paragraph → blank line).
 * The patterns are linear (no nested quantifiers) so a 1 MB content costs milliseconds.
 */
export function htmlToText(html: string): string {
  return he
    .decode(
      html
        .replace(/<br\s*\/?>/gi, "\n")
        .replace(/<\/p>\s*<p[^>]*>/gi, "\n\n")
        .replace(/<[^>]*>/g, "")
    )
    .replace(/\r\n?/g, "\n")
    .trim();
}

/** Unicode code points, not UTF-16 units: "👍" is one character. */
export function countCharacters(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

// One segmenter for the process: construction is the expensive part. The root locale uses ICU's
// dictionaries for Chinese, Japanese, Thai, Khmer, so unspaced scripts are split into real words.
const segmenter = new Intl.Segmenter("und", {granularity: "word"});

/** Words as ICU sees them (Intl.Segmenter word granularity), punctuation and spaces excluded. */
export function countWords(text: string): number {
  // Fast path, exact: for ASCII letters and digits separated only by these characters, ICU's
  // words are exactly the runs of letters and digits (no apostrophes, dots, commas, underscores,
  // which ICU may join words with).
  if (SIMPLE.test(text)) return text.match(RUNS)?.length ?? 0;
  let n = 0;
  for (const chunk of chunks(text)) for (const s of segmenter.segment(chunk)) if (s.isWordLike) n++;
  return n;
}

const SIMPLE = /^[A-Za-z0-9\s#@!?()]*$/;
const RUNS = /[A-Za-z0-9]+/g;

// V8's segmenter slows down more than linearly on long strings (40 KB: seconds), so long texts
// are cut into pieces at white space, which never splits a word. Unspaced text longer than a
// chunk may be cut inside a word: at most one extra word per 4,000 characters.
const CHUNK = 4000;
function* chunks(text: string): Generator<string> {
  let start = 0;
  while (text.length - start > CHUNK) {
    let end = start + CHUNK;
    const space = text.lastIndexOf(" ", end) > start ? text.lastIndexOf(" ", end) : text.lastIndexOf("\n", end);
    if (space > start) end = space;
    yield text.slice(start, end);
    start = end;
  }
  yield text.slice(start);
}
