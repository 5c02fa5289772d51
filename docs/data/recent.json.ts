import {serveQuestion} from "../../loaders/serve.ts";

await serveQuestion("recent");
