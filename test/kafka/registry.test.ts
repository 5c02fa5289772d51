// stack/schema-registry.ts: the Confluent REST subset our producer, consumer and kcat use, its
// persistence, and its life as a stack service (detached, pid file, up/down).
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, test} from "vitest";
import {tootSchema} from "../../listener/record/schema.ts";
import {SchemaRegistryClient} from "../../listener/sinks/registry.ts";
import {deletionSchema} from "../../listener/sinks/wire.ts";
import {SchemaRegistryService, schemaRegistryUrl, startRegistry} from "../../stack/schema-registry.ts";

const tmp = mkdtempSync(join(tmpdir(), "registry-test-"));
afterAll(() => rmSync(tmp, {recursive: true, force: true}));

const CT = "application/vnd.schemaregistry.v1+json";
async function call(url: string, method = "GET", body?: unknown): Promise<{status: number; type: string | null; json: any}> {
  const res = await fetch(url, {method, headers: body ? {"content-type": CT} : {}, body: body === undefined ? undefined : JSON.stringify(body)});
  return {status: res.status, type: res.headers.get("content-type"), json: await res.json()};
}

describe("schema registry", () => {
  test("register, ids, subjects, latest, lookup, errors — as Confluent answers them", async () => {
    const file = join(tmp, "a.json");
    const registry = await startRegistry({port: 0, file});
    const u = registry.url;
    try {
      const toot = JSON.stringify(tootSchema);
      const first = await call(`${u}/subjects/mastodon-topic-value/versions`, "POST", {schema: toot});
      expect(first).toMatchObject({status: 200, type: CT, json: {id: 1}});
      // Same schema again (even re-formatted): same id, no new version.
      expect((await call(`${u}/subjects/mastodon-topic-value/versions`, "POST", {schema: JSON.stringify(tootSchema, null, 2)})).json).toEqual({id: 1});
      // Same schema under another subject: the same global id.
      expect((await call(`${u}/subjects/other-value/versions`, "POST", {schema: toot})).json).toEqual({id: 1});
      expect((await call(`${u}/subjects/mastodon-topic-deletes-value/versions`, "POST", {schema: JSON.stringify(deletionSchema)})).json).toEqual({id: 2});

      expect(JSON.parse((await call(`${u}/schemas/ids/1`)).json.schema)).toEqual(JSON.parse(toot));
      expect((await call(`${u}/subjects`)).json).toEqual(["mastodon-topic-deletes-value", "mastodon-topic-value", "other-value"]);
      expect((await call(`${u}/subjects/mastodon-topic-value/versions`)).json).toEqual([1]);
      expect((await call(`${u}/subjects/mastodon-topic-value/versions/latest`)).json).toMatchObject({subject: "mastodon-topic-value", version: 1, id: 1});
      expect((await call(`${u}/subjects/mastodon-topic-value`, "POST", {schema: toot})).json).toMatchObject({subject: "mastodon-topic-value", version: 1, id: 1});

      // A compatible evolution (new field with a default) is version 2; an incompatible one is refused.
      const evolved = {...tootSchema, fields: [...tootSchema.fields, {name: "quote_uri", type: ["null", "string"], default: null}]};
      expect((await call(`${u}/subjects/mastodon-topic-value/versions`, "POST", {schema: JSON.stringify(evolved)})).json).toEqual({id: 3});
      expect((await call(`${u}/subjects/mastodon-topic-value/versions/latest`)).json).toMatchObject({version: 2, id: 3});
      const broken = {...tootSchema, fields: [...tootSchema.fields, {name: "required_now", type: "string"}]};
      expect(await call(`${u}/subjects/mastodon-topic-value/versions`, "POST", {schema: JSON.stringify(broken)})).toMatchObject({status: 409, json: {error_code: 409}});

      expect(await call(`${u}/schemas/ids/99`)).toMatchObject({status: 404, json: {error_code: 40403}});
      expect(await call(`${u}/subjects/nope/versions/latest`)).toMatchObject({status: 404, json: {error_code: 40401}});
      expect(await call(`${u}/subjects/other-value`, "POST", {schema: JSON.stringify(deletionSchema)})).toMatchObject({status: 404, json: {error_code: 40403}});
      expect(await call(`${u}/subjects/x-value/versions`, "POST", {schema: "{not json"})).toMatchObject({status: 422, json: {error_code: 42201}});
      expect(await call(`${u}/subjects/x-value/versions`, "POST", {schema: toot, schemaType: "PROTOBUF"})).toMatchObject({status: 422, json: {error_code: 42201}});

      // Our client: registration is idempotent, unknown ids are non-retriable errors.
      const client = new SchemaRegistryClient(u);
      expect(await client.register("mastodon-topic-deletes-value", deletionSchema)).toBe(2);
      await expect(client.schema(99)).rejects.toMatchObject({retriable: false, message: expect.stringContaining("HTTP 404")});
    } finally {
      await registry.close();
    }
    // Persisted: a new server on the same file knows everything.
    const again = await startRegistry({port: 0, file});
    try {
      expect((await call(`${again.url}/subjects/mastodon-topic-value/versions`)).json).toEqual([1, 2]);
      expect((await call(`${again.url}/subjects/new-value/versions`, "POST", {schema: JSON.stringify({type: "string"})})).json).toEqual({id: 4});
    } finally {
      await again.close();
    }
  });

  test("an unreachable registry is a retriable error", async () => {
    await expect(new SchemaRegistryClient("http://127.0.0.1:1").schema(1)).rejects.toMatchObject({retriable: true, message: expect.stringContaining("unreachable")});
  });

  test("stack service: up starts it detached and answering, down stops it (left alone if it was already running)", async () => {
    const service = new SchemaRegistryService();
    const before = await service.status();
    if (before.startsWith("running")) {
      // Someone's registry is up: check it answers, do not stop it under them.
      expect((await call(`${schemaRegistryUrl()}/subjects`)).status).toBe(200);
      return;
    }
    await service.up();
    try {
      expect(await service.status()).toMatch(/^running \(pid \d+, http:\/\/127\.0\.0\.1:\d+\)$/);
      expect((await call(`${schemaRegistryUrl()}/subjects`)).status).toBe(200);
      await service.up(); // no-op when running
    } finally {
      await service.down();
    }
    expect(await service.status()).toBe("stopped");
  });
});
