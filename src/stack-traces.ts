import fs from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';

/**
 * Stack traces of the production bundle (dist/bot.cjs) name the TypeScript files and lines, from its
 * source map, read the first time a stack trace is formatted rather than at start-up. Node's own
 * --enable-source-maps reads and keeps the whole map (6 MB) as the bundle loads: about 150 ms of CPU and
 * 13 MB more memory on every start (npm run bench:startup), for traces that are rarely printed.
 *
 * Frames in other files are left as V8 writes them; so is everything if the map cannot be read.
 */
export function lazySourceMaps(bundleFile: string): void {
  let map: SourceMap | null | undefined;
  const dir = path.dirname(bundleFile);
  const sourceMap = (): SourceMap | null => {
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(fs.readFileSync(`${bundleFile}.map`, 'utf8')));
      } catch {
        map = null;
      }
    }
    return map;
  };

  const frame = (site: NodeJS.CallSite): string => {
    const text = String(site);
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (site.getFileName() !== bundleFile || line === null || column === null) return text;
    const entry = sourceMap()?.findEntry(line - 1, column - 1);
    if (!entry || !('originalSource' in entry) || !entry.originalSource) return text;
    const original = `${path.resolve(dir, entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    return text.replace(`${bundleFile}:${line}:${column}`, original);
  };

  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]): string => {
    let head: string;
    try {
      head = Error.prototype.toString.call(error);
    } catch {
      head = 'Error';
    }
    return [head, ...sites.map((site) => `    at ${frame(site)}`)].join('\n');
  };
}
