import {createWriteStream, mkdirSync, type WriteStream} from "node:fs";
import {dirname} from "node:path";
import type {RawEvent} from "../sources/types.ts";

/**
 * --record FILE: every raw event, as received and before normalisation or dedup, one JSON object
 * per line, appended. Replaying the file runs the same pipeline again, so a bug fixed in
 * normalisation can be re-applied to old traffic, and a demo can run without any server.
 */
export class Recorder {
  private readonly stream: WriteStream;
  private failure: Error | null = null;

  private constructor(readonly path: string, onError: (error: Error) => void) {
    mkdirSync(dirname(path), {recursive: true});
    this.stream = createWriteStream(path, {flags: "a"});
    this.stream.on("error", (error) => {
      this.failure = error;
      onError(new Error(`recording to ${path} stopped: ${error.message}`, {cause: error}));
    });
  }

  static async open(path: string, onError: (error: Error) => void): Promise<Recorder> {
    const recorder = new Recorder(path, onError);
    await new Promise<void>((resolve, reject) => {
      recorder.stream.once("open", () => resolve());
      recorder.stream.once("error", reject);
    });
    return recorder;
  }

  write(event: RawEvent): void {
    if (this.failure) return;
    this.stream.write(`${JSON.stringify(event)}\n`);
  }

  /** Resolves when every line is written. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.failure || this.stream.closed) return resolve();
      this.stream.end(() => resolve());
    });
  }
}
