// tsx stack/cli.ts up|down|status|install [service...]
// Default is every service in stack/services.ts; `down` stops them in reverse order.
import type { Service } from "./service.ts";
import { services } from "./services.ts";

const COMMANDS = ["up", "down", "status", "install"] as const;
type Command = (typeof COMMANDS)[number];
const USAGE = `usage: tsx stack/cli.ts ${COMMANDS.join("|")} [${services.map((s) => s.name).join("|")} ...]`;

async function main(argv: string[]): Promise<void> {
  const [command, ...names] = argv;
  if (!command || !(COMMANDS as readonly string[]).includes(command)) throw new Error(USAGE);
  const selected = pick(names);
  const ordered = command === "down" ? [...selected].reverse() : selected;
  for (const service of ordered) await run(command as Command, service);
}

function pick(names: string[]): Service[] {
  if (names.length === 0) return services;
  return names.map((name) => {
    const found = services.find((s) => s.name === name);
    if (!found) throw new Error(`unknown service "${name}"; known: ${services.map((s) => s.name).join(", ")}`);
    return found;
  });
}

async function run(command: Command, service: Service): Promise<void> {
  switch (command) {
    case "install":
      return service.install();
    case "up":
      return service.up();
    case "down":
      return service.down();
    case "status":
      console.log(`${service.name}: ${await service.status()}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`stack: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
