// Imported first by the oracle scripts: the client's sources import "./constants" without an
// extension, so teach Node's resolver to add ".js".
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  try { return await next(specifier, context); }
  catch (e) {
    if (specifier.startsWith(".") && !/\\.(js|mjs|ts)$/.test(specifier)) return next(specifier + ".js", context);
    throw e;
  }
}`),
);
