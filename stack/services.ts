// Registered local services, in start order (`down` runs in reverse).
// Adding one (e.g. Pinot, which needs Kafka first) is one line here.
import type { Service } from "./service.ts";
import { KafkaService } from "./kafka.ts";

export const services: Service[] = [new KafkaService()];
