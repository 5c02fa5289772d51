import {describe, expect, test} from "vitest";
import {InvalidStatusError} from "../../listener/record/errors.ts";
import {normaliseStatus} from "../../listener/record/normalise.ts";
import {countCharacters, countWords, htmlToText} from "../../listener/record/text.ts";
import {makeStatus} from "../fixtures/toots.ts";

const seen = {sourceServer: "mastodon.social", receivedAt: Date.UTC(2026, 10, 20, 12, 0, 1)};

describe("normaliseStatus", () => {
  test("maps a remote status to the record", () => {
    expect(normaliseStatus(makeStatus(), seen)).toEqual({
      uri: "https://fosstodon.org/users/bob/statuses/113456789012345678",
      id: "113456789012345678",
      url: "https://fosstodon.org/@bob/113456789012345678",
      created_at: Date.UTC(2026, 10, 20, 12, 0, 0),
      received_at: Date.UTC(2026, 10, 20, 12, 0, 1),
      source_server: "mastodon.social",
      origin_server: "fosstodon.org",
      account_acct: "bob@fosstodon.org",
      username: "bob",
      bot: false,
      account_created_at: Date.UTC(2022, 10, 5),
      followers_count: 42,
      language: "en",
      app: "Tusky",
      visibility: "public",
      sensitive: false,
      has_spoiler: false,
      is_reply: false,
      media_count: 0,
      has_poll: false,
      tags: ["rust"],
      mentions_count: 0,
      text: "Hello #Rust",
      characters: 11,
      words: 2,
      favourites_count: 2,
      reblogs_count: 1,
      replies_count: 0,
      edited_at: null
    });
  });

  test("ids above 2^53 stay exact strings", () => {
    const toot = normaliseStatus(makeStatus({id: "9007199254740993123"}), seen);
    expect(toot.id).toBe("9007199254740993123");
  });

  test("null and 'und' languages become unknown; codes are lower-cased", () => {
    expect(normaliseStatus(makeStatus({language: null}), seen).language).toBe("unknown");
    expect(normaliseStatus(makeStatus({language: "und"}), seen).language).toBe("unknown");
    expect(normaliseStatus(makeStatus({language: "DE"}), seen).language).toBe("de");
  });

  test("opted-out authors keep counts but lose text", () => {
    for (const account of [{noindex: true}, {discoverable: false}, {note: "<p>no bots please #NoBot</p>"}, {note: "#noarchive"}]) {
      const toot = normaliseStatus(makeStatus({}, account), seen);
      expect(toot.text).toBeNull();
      expect([toot.characters, toot.words, toot.tags]).toEqual([11, 2, ["rust"]]);
    }
  });

  test("--no-text drops text for everyone", () => {
    expect(normaliseStatus(makeStatus(), {...seen, keepText: false}).text).toBeNull();
  });

  test("flags: reply, spoiler, media, poll, mentions, missing app", () => {
    const toot = normaliseStatus(makeStatus({
      in_reply_to_id: "1", spoiler_text: "cw", sensitive: true, application: null,
      media_attachments: [{}, {}], poll: {id: "1"}, mentions: [{}, {}, {}], tags: [{name: "A"}, {name: "a"}, {name: "B"}]
    }), seen);
    expect([toot.is_reply, toot.has_spoiler, toot.sensitive, toot.media_count, toot.has_poll, toot.mentions_count, toot.app, toot.tags])
      .toEqual([true, true, true, 2, true, 3, null, ["a", "b"]]);
  });

  test("local accounts get the origin host in their acct", () => {
    const toot = normaliseStatus(makeStatus({}, {acct: "Bob@Example.COM"}), seen);
    expect(toot.account_acct).toBe("bob@example.com");
  });

  test("edits carry edited_at", () => {
    expect(normaliseStatus(makeStatus({edited_at: "2026-11-20T12:05:00.000Z"}), seen).edited_at).toBe(Date.UTC(2026, 10, 20, 12, 5));
  });

  test("bad input names the field", () => {
    const cases: [unknown, string][] = [
      [null, "invalid status status: not an object"],
      [makeStatus({uri: 5}), "invalid status uri: expected a non-empty string, got 5"],
      [makeStatus({uri: "not a url"}), 'invalid status uri: no host in "not a url"'],
      [makeStatus({id: "12ab"}), 'invalid status id: expected a numeric string, got "12ab"'],
      [makeStatus({created_at: "yesterday"}), 'invalid status created_at: expected an ISO date, got "yesterday"'],
      [makeStatus({account: undefined}), "invalid status account: not an object"]
    ];
    for (const [input, message] of cases) {
      expect(() => normaliseStatus(input, seen)).toThrowError(new InvalidStatusError("x", "y").constructor as never);
      expect(() => normaliseStatus(input, seen)).toThrowError(message);
    }
  });

  test("a 1 MB content is handled", () => {
    const content = "<p>" + "word ".repeat(200_000) + "</p>";
    const toot = normaliseStatus(makeStatus({content}), seen);
    expect([toot.words, toot.characters]).toEqual([200_000, 999_999]);
  });
});

describe("text", () => {
  test("HTML becomes plain text with line breaks; entities decoded; tags never kept", () => {
    expect(htmlToText("<p>a &amp; b<br>c<br/>d</p><p>&lt;script&gt;x&lt;/script&gt; &#x1F600;</p>")).toBe("a & b\nc\nd\n\n<script>x</script> 😀");
    expect(htmlToText('<p><span class="h-card"><a href="https://x/@y" class="u-url mention">@<span>y</span></a></span> hi</p>')).toBe("@y hi");
  });

  test("characters are code points", () => {
    expect(countCharacters("👍🏽é")).toBe(3);
    expect(countCharacters("日本語")).toBe(3);
  });

  test("words by ICU segmentation, also for unspaced scripts", () => {
    expect(countWords("Hello, world! It's 2026.")).toBe(4);
    expect(countWords("今日はいい天気ですね")).toBe(6);
    expect(countWords("我爱北京天安门")).toBe(4);
    expect(countWords("วันนี้อากาศดีมาก")).toBe(5); // วัน|นี้|อากาศ|ดี|มาก; a space split would say 1
    expect(countWords("Guten Morgen")).toBe(2);
  });
});
