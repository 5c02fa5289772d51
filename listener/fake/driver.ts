import {DEMO_DEFAULTS, demoDeliveries, type DemoDelivery} from "../demo/generator.ts";
import {FOLLOWED} from "../demo/world.ts";
import {seeded} from "../demo/random.ts";
import type {FakeMastodon} from "./server.ts";
import type {Status} from "./timeline.ts";

export interface DriveOptions {
  /** Statuses per second across all servers. */
  rate: number;
  seed?: number;
  /** Share of toots also relayed by a second followed server (same uri, another local id). */
  duplicates?: number;
  /** Share of posts followed by an edit / a deletion of a recent status. */
  edits?: number;
  deletes?: number;
  /** Stop after this many statuses (default: never). */
  limit?: number;
}

export interface Driver {
  readonly posted: number;
  stop(): void;
}

const TICK_MS = 100;

/**
 * Live traffic for the fake servers from the demo generator: its deliveries in order, at `rate` per
 * second, each to the fake whose domain is the delivery's server (else one chosen by host), with
 * times moved to now (keeping each toot's delivery delay) so live pages show them.
 */
export function driveDemo(servers: FakeMastodon[], options: DriveOptions): Driver {
  if (servers.length === 0) throw new Error("invalid servers: none to drive");
  if (!(options.rate > 0)) throw new Error(`invalid rate: ${options.rate}`);
  for (const share of ["duplicates", "edits", "deletes"] as const) {
    const v = options[share] ?? 0;
    if (!(v >= 0 && v <= 1)) throw new Error(`invalid ${share}: ${v}`);
  }
  const random = seeded(`drive/${options.seed ?? 1}`);
  const recent: {server: FakeMastodon; status: Status}[] = [];
  let cycle = 0;
  let deliveries = cycleOf(0);
  let posted = 0, owed = 0, last = performance.now();

  function cycleOf(n: number): Iterator<DemoDelivery> {
    // Each pass through the generator gets its own seed and span, so uris never repeat.
    const days = DEMO_DEFAULTS.days;
    return demoDeliveries({seed: (options.seed ?? 1) + n, toots: 100_000, days, end: DEMO_DEFAULTS.end + n * days * 86_400_000, duplicates: options.duplicates ?? 0});
  }

  function target(host: string): FakeMastodon {
    const exact = servers.find((s) => s.domain === host);
    if (exact) return exact;
    const i = FOLLOWED.indexOf(host);
    return servers[(i >= 0 ? i : host.length) % servers.length]!;
  }

  function postOne(): void {
    let next = deliveries.next();
    if (next.done) {
      deliveries = cycleOf(++cycle);
      next = deliveries.next();
    }
    const {status, sourceServer, receivedAt} = next.value as DemoDelivery;
    const delay = Math.max(0, receivedAt - Date.parse(String(status.created_at)));
    const server = target(sourceServer);
    const stored = server.post({...status, created_at: new Date(Date.now() - delay).toISOString()});
    recent.push({server, status: stored});
    if (recent.length > 200) recent.shift();
    posted++;
    if (random() < (options.edits ?? 0)) {
      const r = recent[Math.floor(random() * recent.length)]!;
      r.status = r.server.edit({id: r.status.id, content: `${String(r.status.content)}<p>(edited)</p>`});
    }
    if (random() < (options.deletes ?? 0) && recent.length > 1) {
      const [r] = recent.splice(Math.floor(random() * (recent.length - 1)), 1);
      r!.server.delete(r!.status.id);
    }
  }

  const timer = setInterval(() => {
    const now = performance.now();
    owed += ((now - last) / 1000) * options.rate;
    last = now;
    while (owed >= 1 && (options.limit === undefined || posted < options.limit)) {
      postOne();
      owed--;
    }
    if (options.limit !== undefined && posted >= options.limit) clearInterval(timer);
  }, TICK_MS);

  return {
    get posted() {
      return posted;
    },
    stop() {
      clearInterval(timer);
    }
  };
}
