import type {Engine} from "../engine.ts";
import {runForm, type Forms} from "./forms.ts";
import {latestWindow, type Window} from "./window.ts";

/** Options every windowed question takes. */
export interface WindowOptions {
  hours: number;
  /** End of the window (epoch ms); default: the newest toot. */
  to?: number;
  limit?: number;
}

export interface Windowed<R> {
  engine: string;
  demo: boolean;
  window: Window | null;
  rows: R[];
}

/** Runs one form over the latest window: the shape most catalogue questions share. */
export async function windowed<R>(engine: Engine, forms: Forms, options: WindowOptions, defaultLimit = 20): Promise<Windowed<R>> {
  const limit = options.limit ?? defaultLimit;
  if (!Number.isInteger(limit) || limit <= 0) throw new Error(`invalid limit: ${limit}`);
  const window = await latestWindow(engine, options.hours, options.to);
  const rows = window ? await runForm<R>(engine, forms, {from: window.from, to: window.to, limit}) : [];
  return {engine: engine.name, demo: engine.demo, window, rows};
}
