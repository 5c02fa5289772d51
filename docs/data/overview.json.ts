import {overview} from "../../loaders/catalogue/overview.ts";
import {withEngine} from "../../loaders/connect.ts";

const result = await withEngine((engine, config) => overview(engine, {hours: config.windowHours}));
process.stdout.write(JSON.stringify(result));
