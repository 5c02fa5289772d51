import type {Engine} from "../engine.ts";
import {apps} from "./apps.ts";
import {bots} from "./bots.ts";
import {hashtags} from "./hashtags.ts";
import {hours} from "./hours.ts";
import {languages} from "./languages.ts";
import {overview} from "./overview.ts";
import {recent} from "./recent.ts";
import type {WindowOptions} from "./ranked.ts";

/** Every analysis question, by name: what the loaders serve and what the engines must agree on. */
export const catalogue: Record<string, (engine: Engine, options: WindowOptions) => Promise<unknown>> = {
  overview: (engine, {hours, to, limit}) => overview(engine, {hours, to, topServers: limit}),
  languages,
  apps,
  hashtags,
  hours,
  bots,
  recent
};
