// Observable Framework configuration. The site must build and be viewed with no network:
// no web fonts (globalStylesheets), no search index fetches, npm: imports served from the cache
// that scripts/npm-cache.ts fills before dev and build.
export default {
  title: "Mastodon observatory",
  root: "docs",
  pages: [
    {name: "Overview", path: "/"},
    {name: "Languages", path: "/languages"},
    {name: "Time of day", path: "/time"},
    {name: "Apps", path: "/apps"},
    {name: "Hashtags", path: "/hashtags"},
    {name: "Bots", path: "/bots"},
    {name: "Latest toots", path: "/recent"}
  ],
  globalStylesheets: [],
  theme: ["air", "near-midnight"],
  // An empty icon: otherwise browsers ask for /favicon.ico, which a static host answers with 404.
  head: '<meta name="referrer" content="no-referrer"><link rel="icon" href="data:,">',
  footer: "Counts of public toots. Toot text is shown as plain text; authors who opted out of indexing are counted without their words.",
  search: false,
  linkify: false
};
