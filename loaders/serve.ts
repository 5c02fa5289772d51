import {catalogue} from "./catalogue/index.ts";
import {withEngine} from "./connect.ts";

/**
 * What every data loader does: answer one catalogue question on the configured engine over the
 * configured window, and write it as JSON to stdout. Config errors throw before anything is written.
 */
export async function serveQuestion(name: keyof typeof catalogue & string): Promise<void> {
  const question = catalogue[name];
  if (!question) throw new Error(`invalid question: ${name}`);
  const result = await withEngine((engine, config) => question(engine, {hours: config.windowHours}));
  process.stdout.write(JSON.stringify(result));
}
