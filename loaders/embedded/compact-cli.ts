/** `npm run compact`: merge the store's small Parquet parts now (the writer also does this as it goes). */
import {loaderConfig} from "../config.ts";
import {compactStore} from "./compact.ts";

const root = loaderConfig().store;
compactStore(root, {minParts: 2})
  .then((r) => console.log(`compact: ${root}: toots ${r.toots.merged} parts → ${r.toots.rows} rows; deletes ${r.deletes.merged} parts → ${r.deletes.rows} rows`))
  .catch((error: Error) => {
    console.error(`compact: ${error.message}`);
    process.exitCode = 1;
  });
