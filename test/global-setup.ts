/**
 * Starts the local stack (Kafka, and whatever else stack/services.ts registers) for the suite when
 * it is not already running, and stops afterwards only what it started. Tests that need a service
 * fail (never skip) when it is unreachable.
 */
import {services} from "../stack/services.ts";

const started: string[] = [];

export async function setup(): Promise<void> {
  if (process.env.OBSERVATORY_TEST_STACK === "external") return; // someone else manages it
  for (const service of services) {
    if ((await service.status()).startsWith("running")) continue;
    await service.up();
    started.push(service.name);
  }
}

export async function teardown(): Promise<void> {
  for (const service of [...services].reverse()) {
    if (started.includes(service.name)) await service.down();
  }
}
