// Registered local services, in start order (`down` runs in reverse). Pinot needs Kafka first.
import type { Service } from "./service.ts";
import { KafkaService } from "./kafka.ts";
import { PinotService } from "./pinot.ts";

export const services: Service[] = [new KafkaService(), new PinotService()];
