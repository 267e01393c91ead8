/**
 * The entry point of the production bundle, dist/bot.cjs (scripts/build-bundle.ts; npm run start:prod):
 * readable stack traces first, then the bot itself (src/index.ts).
 */
import { lazySourceMaps } from './stack-traces';

lazySourceMaps(__filename);
// a require, not an import: imports are run before this module's own code, and the traces come first
require('./index');
