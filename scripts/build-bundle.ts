/**
 * The production bundle (issue 10, start-up and footprint): the bot (src/bundle.ts: stack traces, then
 * src/index.ts) and its dependencies in one CommonJS file, dist/bot.cjs, with its source map. `npm run build` runs it after tsc; `npm run
 * start:prod` runs the bundle.
 *
 * Native addons stay outside and are loaded from node_modules as usual. Card templates are read at run
 * time from cards/ (src/views/cards.ts finds them from dist/).
 */
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = path.resolve(__dirname, '..');

/** Native addons (and their optional native helpers) that cannot be bundled: required from node_modules. */
const EXTERNAL = ['better-sqlite3', 'pg-native', 'bufferutil', 'utf-8-validate', 'dtrace-provider'];

/**
 * Modules this bot never runs, replaced in the bundle by a stub that throws, naming itself, the moment
 * anything reads from it. Each is required at load time only to be used under an option the bot does not
 * set, and each may be required only from the files listed (checked at build time): a new importer fails
 * the build, so the stub is never reached by a path nobody looked at.
 */
interface Stub {
  /** How the module is named in the require. */
  readonly request: string;
  /** Files (relative to node_modules) that may require it. */
  readonly importers: readonly string[];
  readonly why: string;
  /** Names read from it as it loads, each answered with a stub of its own instead of an error. */
  readonly readAtLoad?: readonly string[];
}

const STUBS: readonly Stub[] = [
  {
    // lib/AI.js loads the action, moderator and planner machinery, and through it axios
    request: './AI',
    importers: ['@microsoft/teams-ai/lib/Application.js'],
    why: 'Application reads it only when given the "ai" option (a planner), which src/bot/app.ts never sets',
  },
  {
    // lib/authentication/Authentication.js loads msal-node and every sign-in flow, which load botbuilder-dialogs
    request: './authentication/Authentication',
    importers: ['@microsoft/teams-ai/lib/Application.js'],
    why: 'Application reads it only when given the "authentication" option (user sign-in), which src/bot/app.ts never sets',
  },
  {
    request: './Authentication',
    importers: ['@microsoft/teams-ai/lib/authentication/BotAuthenticationBase.js'],
    why: 'read only inside the sign-in flow classes, which run only with the "authentication" option',
  },
  {
    // botbuilder-dialogs and its recognizers (dates, numbers, choices in every culture): half a second
    request: 'botbuilder-dialogs',
    importers: ['@microsoft/teams-ai/lib/authentication/BotAuthenticationBase.js'],
    why: 'read only inside the sign-in flow classes, which run only with the "authentication" option',
  },
  {
    // every restify plugin (body parsers, static files, signatures...): send, mime-db, sshpk, csv, formidable
    request: './plugins',
    importers: ['restify/lib/index.js'],
    why: 'the bot uses no restify plugin (src/server.ts reads request bodies itself, see src/http/read-json-body.ts)',
    readAtLoad: ['pre'],
  },
];

function stubSource(stub: Stub, importer: string): string {
  const message = `${stub.request} (required by ${importer}) is not in the production bundle (scripts/build-bundle.ts): ${stub.why}. Run the tsc build (node dist/src/index.js) or remove the stub.`;
  return `const stub = (name, readAtLoad) => new Proxy({}, {
  get(_target, key) {
    if (typeof key === 'symbol' || key === '__esModule') return undefined;
    if (readAtLoad.includes(key)) return stub(name + '.' + key, []);
    throw new Error(${JSON.stringify(message)} + ' (reading ' + name + '.' + String(key) + ')');
  },
});
module.exports = stub('exports', ${JSON.stringify(stub.readAtLoad ?? [])});
`;
}

export function stubPlugin(): Plugin {
  return {
    name: 'stubs',
    setup(b) {
      for (const stub of STUBS) {
        const filter = new RegExp(`^${stub.request.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
        b.onResolve({ filter }, (args) => {
          const importer = args.importer.replace(/.*node_modules\//, '');
          const scope = /^(@[^/]+\/)?[^/]+\//.exec(stub.importers[0]!)![0];
          if (stub.request.startsWith('.') && !args.importer.includes(`node_modules/${scope}`)) {
            return undefined; // a relative request outside the package (e.g. our own ./plugins, if there were one)
          }
          if (!stub.importers.includes(importer)) {
            return {
              errors: [
                {
                  text: `${stub.request} is stubbed in the bundle, but ${importer} now requires it: check that it is never used on the bot's path, then add ${importer} to its importers in scripts/build-bundle.ts`,
                },
              ],
            };
          }
          return {
            path: `${stub.request} (from ${importer})`,
            namespace: 'stub',
            pluginData: { stub, importer },
          };
        });
      }
      b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => {
        const { stub, importer } = args.pluginData as { stub: Stub; importer: string };
        return { contents: stubSource(stub, importer), loader: 'js' };
      });
    },
  };
}

export interface BundleOptions {
  readonly outfile?: string;
  /** Replace the modules this bot never runs with stubs (see STUBS); on unless measuring without. */
  readonly stubs?: boolean;
}

export async function buildBundle(options: BundleOptions = {}): Promise<{ outfile: string }> {
  const outfile = options.outfile ?? path.join(ROOT, 'dist', 'bot.cjs');
  await build({
    absWorkingDir: ROOT,
    entryPoints: [path.join(ROOT, 'src', 'bundle.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: EXTERNAL,
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    plugins: options.stubs === false ? [] : [stubPlugin()],
    logLevel: 'warning',
  });
  return { outfile };
}

if (require.main === module) {
  buildBundle().then(
    ({ outfile }) => console.log(`bundle: ${path.relative(ROOT, outfile)}`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
