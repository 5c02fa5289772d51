// Framework resolves `npm:` imports in the browser (from its cache, filled from node_modules by
// scripts/npm-cache.ts); for the type checker they are the installed packages.
declare module "npm:@observablehq/plot" {
  export * from "@observablehq/plot";
}
