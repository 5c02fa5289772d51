import type {IncomingMessage, ServerResponse} from "node:http";
import {json} from "./rest.ts";
import type {FakeMastodon} from "./server.ts";

const MAX_BODY = 16 * 1024 * 1024;

/**
 * The programmatic API over HTTP, for the CLI mode (`curl -X POST …/_fake/drop?refuse_ms=5000`):
 *   POST /_fake/post      body: a status or an array of statuses
 *   POST /_fake/edit      body: a status (id or uri names it)
 *   POST /_fake/delete?id=ID
 *   POST /_fake/raw       body: sent to every streaming client as is
 *   POST /_fake/drop?refuse_ms=MS&code=CODE
 *   POST /_fake/pause?ms=MS
 *   GET  /_fake/stats
 */
export async function handleControl(fake: FakeMastodon, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const action = url.pathname.slice("/_fake/".length);
  const q = url.searchParams;
  try {
    if (action === "stats" && req.method === "GET") return json(res, 200, {statuses: fake.statuses, clients: fake.clients, requests: fake.requests.length});
    if (req.method !== "POST") return json(res, 405, {error: "use POST"});
    const body = await readBody(req);
    switch (action) {
      case "post": {
        const parsed = JSON.parse(body) as unknown;
        const list = Array.isArray(parsed) ? parsed : [parsed];
        return json(res, 200, list.map((s) => fake.post(asObject(s))));
      }
      case "edit":
        return json(res, 200, fake.edit(asObject(JSON.parse(body))));
      case "delete":
        return json(res, 200, {deleted: fake.delete(q.get("id") ?? "")});
      case "raw":
        fake.sendRaw(body);
        return json(res, 200, {sent: fake.clients});
      case "drop":
        return json(res, 200, {dropped: fake.dropConnections({refuseMs: number(q.get("refuse_ms")), code: number(q.get("code")) || undefined})});
      case "pause":
        fake.pauseStreaming(number(q.get("ms")));
        return json(res, 200, {paused: number(q.get("ms"))});
      default:
        return json(res, 404, {error: `unknown control action: ${action}`});
    }
  } catch (error) {
    json(res, 400, {error: (error as Error).message});
  }
}

function asObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("expected a status object");
  return value as Record<string, unknown>;
}

function number(value: string | null): number {
  const n = Number(value ?? 0);
  if (!Number.isFinite(n) || n < 0) throw new Error(`invalid number: ${value}`);
  return n;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
