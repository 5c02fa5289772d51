// Registered local services, in start order (`down` runs in reverse). Pinot needs Kafka first.
import type { Service } from "./service.ts";
import { KafkaService } from "./kafka.ts";
import { PinotService } from "./pinot.ts";
import { SchemaRegistryService } from "./schema-registry.ts";

export const services: Service[] = [new KafkaService(), new SchemaRegistryService(), new PinotService()];
