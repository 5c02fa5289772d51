import {describe, expect, test} from "vitest";
import {loaderConfig, PROJECT_ROOT} from "../../loaders/config.ts";
import {bindPinotParams} from "../../loaders/pinot/params.ts";

describe("loader configuration", () => {
  test("defaults: embedded engine, data/store, 24 hours", () => {
    expect(loaderConfig({})).toEqual({
      engine: "embedded", store: `${PROJECT_ROOT}/data/store`, pinotBroker: "http://localhost:8099", windowHours: 24, demoToots: 20000
    });
  });

  test("a broken config names what is wrong", () => {
    expect(() => loaderConfig({OBSERVATORY_ENGINE: "duck"})).toThrow("invalid OBSERVATORY_ENGINE: duck (expected embedded or pinot)");
    expect(() => loaderConfig({OBSERVATORY_WINDOW_HOURS: "-1"})).toThrow("invalid OBSERVATORY_WINDOW_HOURS: -1 (expected a positive number)");
    expect(() => loaderConfig({PINOT_BROKER_URL: "not a url"})).toThrow("invalid PINOT_BROKER_URL: not a url (expected a URL)");
  });

  test("absolute and relative store paths", () => {
    expect(loaderConfig({OBSERVATORY_STORE: "/srv/toots"}).store).toBe("/srv/toots");
    expect(loaderConfig({OBSERVATORY_STORE: "elsewhere"}).store).toBe(`${PROJECT_ROOT}/elsewhere`);
  });
});

describe("Pinot parameters", () => {
  test("numbers and strings become literals; nothing else enters the SQL", () => {
    expect(bindPinotParams({text: "WHERE a >= $from AND b = $name LIMIT $limit", params: {from: 1700000000000, name: "o'hara", limit: 5}}))
      .toBe("WHERE a >= 1700000000000 AND b = 'o''hara' LIMIT 5");
    expect(() => bindPinotParams({text: "WHERE a = $x", params: {}})).toThrow("missing query parameter: x");
    expect(() => bindPinotParams({text: "WHERE a = $x", params: {x: NaN}})).toThrow("invalid query parameter x: NaN");
  });
});
