/**
 * Builds the Teams app package appPackage/build/appPackage.<APP_ENV>.zip: manifest.json (the template
 * in appPackage/ filled from env/.env.<APP_ENV> and the environment, checked against Microsoft's
 * schema for its manifestVersion), color.png and outline.png. Upload it in the Teams Developer Portal
 * (Apps > Import app) or the Teams admin centre (Manage apps > Upload new app).
 *
 * Usage: npm run package                       (APP_ENV defaults to local)
 *        APP_ENV=production npm run package    (settings from env/.env.production and the environment)
 *        npm run package -- --out-dir DIR      (somewhere other than appPackage/build)
 */
import path from 'node:path';
import { buildAppPackage, PackageError } from './lib/app-package';

function outDir(argv: string[]): string | undefined {
  const i = argv.indexOf('--out-dir');
  if (i === -1) return undefined;
  const dir = argv[i + 1];
  if (!dir) throw new PackageError('--out-dir needs a directory');
  return path.resolve(dir);
}

async function main(): Promise<void> {
  const root = path.resolve(path.dirname(__filename), '..');
  const built = await buildAppPackage(process.env, root, outDir(process.argv.slice(2)));
  const m = built.manifest as { version?: string; id?: string; bots?: { botId?: string }[] };
  console.log(
    `${path.relative(process.cwd(), built.file)}: manifest ${m.version}, app ${m.id}, bot ${m.bots?.[0]?.botId}`,
  );
}

main().catch((err: unknown) => {
  if (err instanceof PackageError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
