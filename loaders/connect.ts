import {loaderConfig, type LoaderConfig} from "./config.ts";
import {openEmbedded} from "./embedded/engine.ts";
import type {Engine} from "./engine.ts";
import {openPinot} from "./pinot/engine.ts";

export async function openEngine(config: LoaderConfig = loaderConfig()): Promise<Engine> {
  return config.engine === "pinot"
    ? openPinot({broker: config.pinotBroker})
    : openEmbedded({root: config.store, demo: {toots: config.demoToots}});
}

/** The one place loaders get an engine: opened from configuration, always closed. */
export async function withEngine<T>(run: (engine: Engine, config: LoaderConfig) => Promise<T>, config: LoaderConfig = loaderConfig()): Promise<T> {
  const engine = await openEngine(config);
  try {
    return await run(engine, config);
  } finally {
    await engine.close();
  }
}
