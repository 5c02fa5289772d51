import type {Toot} from "./record/schema.ts";

/** What the listener hands downstream: new toots, new versions of edited toots, deletions. */
export type SinkEvent =
  | {kind: "toot"; toot: Toot}
  | {kind: "edit"; toot: Toot}
  | {kind: "delete"; deletion: Deletion};

/** Mastodon deletes by the id it gave on one server; the uri is added when the listener knows it. */
export interface Deletion {
  source_server: string;
  id: string;
  uri: string | null;
  deleted_at: number;
}

/** Where records go: the embedded store or Kafka. write() never blocks on I/O; flush() makes it durable. */
export interface Sink {
  write(event: SinkEvent): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}
