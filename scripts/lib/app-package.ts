/**
 * The Teams app package: appPackage/manifest.json is a template with ${{NAME}} placeholders, filled
 * from env/.env.<APP_ENV> under the process environment (the environment wins, as for the bot's own
 * settings in src/config/config.ts), checked against Microsoft's JSON schema for its manifestVersion
 * (bundled with @microsoft/app-manifest, so no download), and zipped with its two icons.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ManifestUtil, type TeamsAppManifest } from '@microsoft/app-manifest';
import dotenv from 'dotenv';
import { zip } from './zip';

export const PACKAGE_FILES = ['manifest.json', 'color.png', 'outline.png'] as const;

const PLACEHOLDER = /\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

export class PackageError extends Error {}

/** Placeholders with no value. */
export class MissingSettingsError extends PackageError {}

export interface Settings {
  readonly appEnv: string;
  /** env/.env.<APP_ENV> if it exists, then the process environment over it. */
  readonly values: Readonly<Record<string, string>>;
  /** Where they came from, for messages. */
  readonly source: string;
}

export function readSettings(env: NodeJS.ProcessEnv, root: string): Settings {
  const appEnv = env.APP_ENV?.trim() || 'local';
  if (!/^[a-z0-9-]+$/.test(appEnv)) {
    throw new PackageError(`APP_ENV: lower-case letters, digits and dashes only (got "${appEnv}")`);
  }
  const file = path.join(root, 'env', `.env.${appEnv}`);
  const fromFile = fs.existsSync(file) ? dotenv.parse(fs.readFileSync(file)) : {};
  const values: Record<string, string> = { ...fromFile };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) values[k] = v;
  values.APP_ENV = appEnv;
  const source = fs.existsSync(file) ? `env/.env.${appEnv} and the environment` : 'the environment';
  return { appEnv, values, source };
}

/**
 * The value for each placeholder. BOT_ID is the Azure Bot's app id: TEAMS_BOT_ID if set, else BOT_ID
 * (the bot's own setting, which locally stays unset because it turns authentication on).
 */
export function placeholderValues(settings: Settings): Record<string, string> {
  const v = settings.values;
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) if (k !== 'BOT_ID' && value.trim()) out[k] = value.trim();
  const teamsBot = v.TEAMS_BOT_ID?.trim();
  const bot = v.BOT_ID?.trim();
  if (teamsBot && bot && teamsBot.toLowerCase() !== bot.toLowerCase()) {
    throw new PackageError(
      'TEAMS_BOT_ID and BOT_ID are both set and differ: the Teams app must name the bot this server runs as',
    );
  }
  const botId = teamsBot || bot;
  if (botId) out.BOT_ID = botId;
  return out;
}

const HOW_TO_SET: Record<string, string> = {
  BOT_ID: 'TEAMS_BOT_ID (or BOT_ID): the Azure Bot app id, a GUID',
  TEAMS_APP_ID: 'TEAMS_APP_ID: the Teams app id, a GUID of its own (keep it for the life of the app)',
  APP_VERSION: 'APP_VERSION: the app version, e.g. 1.0.0 (raise it for every new upload)',
};

export interface Filled {
  readonly manifest: Record<string, unknown>;
  /** JSON pointer of each filled string -> the placeholders it was built from. */
  readonly sources: ReadonlyMap<string, readonly string[]>;
}

/** Fills every ${{NAME}} in the template's strings. Throws naming every placeholder without a value. */
export function fillManifest(template: unknown, values: Readonly<Record<string, string>>): Filled {
  const missing = new Set<string>();
  const sources = new Map<string, string[]>();
  const walk = (node: unknown, pointer: string): unknown => {
    if (typeof node === 'string') {
      const names: string[] = [];
      const filled = node.replace(PLACEHOLDER, (_, name: string) => {
        names.push(name);
        const value = values[name];
        if (value === undefined) missing.add(name);
        return value ?? '';
      });
      if (names.length) sources.set(pointer, names);
      return filled;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${pointer}/${i}`));
    if (node && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([k, v]) => [
          k,
          walk(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`),
        ]),
      );
    }
    return node;
  };
  const manifest = walk(template, '') as Record<string, unknown>;
  if (missing.size > 0) {
    const lines = [...missing].map((name) => `  - ${HOW_TO_SET[name] ?? `${name}: is required`}`).sort();
    throw new MissingSettingsError(`Missing settings for the Teams app manifest:\n${lines.join('\n')}`);
  }
  return { manifest, sources };
}

/** What the schema does not check but Teams insists on: a major.minor.patch version. */
export function extraChecks(filled: Filled): string[] {
  const version = filled.manifest.version;
  if (typeof version === 'string' && SEMVER.test(version)) return [];
  return [`/version (from APP_VERSION): must be major.minor.patch, e.g. 1.0.0 (got "${String(version)}")`];
}

export function schemaDir(): string {
  const pkg = require.resolve('@microsoft/app-manifest/package.json');
  return path.join(path.dirname(pkg), 'build', 'json-schemas', 'teams');
}

/** The manifest versions whose schemas @microsoft/app-manifest bundles (not the developer preview). */
export function bundledManifestVersions(): string[] {
  return fs
    .readdirSync(schemaDir())
    .filter((d) => /^v\d+\.\d+$/.test(d))
    .map((d) => d.slice(1))
    .sort((a, b) => {
      const [a1, a2] = a.split('.').map(Number) as [number, number];
      const [b1, b2] = b.split('.').map(Number) as [number, number];
      return a1 - b1 || a2 - b2;
    });
}

export function schemaFor(manifestVersion: unknown): Record<string, unknown> {
  const file = path.join(schemaDir(), `v${String(manifestVersion)}`, 'MicrosoftTeams.schema.json');
  if (typeof manifestVersion !== 'string' || !fs.existsSync(file)) {
    throw new PackageError(
      `manifestVersion "${String(manifestVersion)}": @microsoft/app-manifest has no schema for it (it has ${bundledManifestVersions().join(', ')})`,
    );
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

export function schemaUrl(manifestVersion: string): string {
  return `https://developer.microsoft.com/en-us/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.schema.json`;
}

/** Schema errors (with the setting each came from, where it came from one), then the extra checks. */
export async function validate(filled: Filled): Promise<string[]> {
  const m = filled.manifest;
  const schema = schemaFor(m.manifestVersion);
  const problems: string[] = [];
  if (m.$schema !== schemaUrl(String(m.manifestVersion))) {
    problems.push(
      `/$schema: must be ${schemaUrl(String(m.manifestVersion))} for manifestVersion ${m.manifestVersion}`,
    );
  }
  const errors = await ManifestUtil.validateManifestAgainstSchema(
    m as unknown as TeamsAppManifest,
    schema as never,
  );
  for (const e of errors) {
    const pointer = e.split(' ')[0] ?? '';
    const from = filled.sources.get(pointer);
    problems.push(from ? e.replace(pointer, `${pointer} (from ${from.join(', ')})`) : e);
  }
  return [...problems, ...extraChecks(filled)];
}

/** Width and height from a PNG's IHDR, or undefined if it is not a PNG. */
export function pngSize(data: Buffer): { width: number; height: number } | undefined {
  const signature = '89504e470d0a1a0a';
  if (data.length < 24 || data.subarray(0, 8).toString('hex') !== signature) return undefined;
  if (data.subarray(12, 16).toString('ascii') !== 'IHDR') return undefined;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

export interface BuiltPackage {
  readonly file: string;
  readonly manifest: Record<string, unknown>;
}

/**
 * Fills, validates and zips. `root` holds appPackage/ and env/; the zip goes to
 * `<outDir>/appPackage.<env>.zip` (outDir defaults to appPackage/build).
 */
export async function buildAppPackage(
  env: NodeJS.ProcessEnv,
  root: string,
  outDir = path.join(root, 'appPackage', 'build'),
): Promise<BuiltPackage> {
  const settings = readSettings(env, root);
  const dir = path.join(root, 'appPackage');
  const template = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as unknown;
  let filled: Filled;
  try {
    filled = fillManifest(template, placeholderValues(settings));
  } catch (err) {
    if (err instanceof MissingSettingsError) {
      throw new MissingSettingsError(
        `${err.message}\n(APP_ENV=${settings.appEnv}; set them in env/.env.${settings.appEnv} or the environment)`,
      );
    }
    throw err;
  }
  const problems = await validate(filled);

  const icons = filled.manifest.icons as { color?: unknown; outline?: unknown } | undefined;
  const wanted = [
    ['color', 'color.png', 192],
    ['outline', 'outline.png', 32],
  ] as const;
  const files = new Map<string, Buffer>();
  for (const [key, name, size] of wanted) {
    if (icons?.[key] !== name) problems.push(`/icons/${key}: must be "${name}"`);
    const data = fs.readFileSync(path.join(dir, name));
    const dims = pngSize(data);
    if (!dims || dims.width !== size || dims.height !== size) {
      problems.push(`appPackage/${name}: must be a ${size}x${size} PNG`);
    }
    files.set(name, data);
  }
  if (problems.length > 0) {
    throw new PackageError(
      `The Teams app manifest is not valid (APP_ENV=${settings.appEnv}, settings from ${settings.source}):\n${problems
        .map((p) => `  - ${p}`)
        .join('\n')}`,
    );
  }

  const manifestJson = Buffer.from(`${JSON.stringify(filled.manifest, null, 2)}\n`, 'utf8');
  const data = zip([
    { name: 'manifest.json', data: manifestJson },
    { name: 'color.png', data: files.get('color.png')! },
    { name: 'outline.png', data: files.get('outline.png')! },
  ]);
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `appPackage.${settings.appEnv}.zip`);
  fs.writeFileSync(file, data);
  return { file, manifest: filled.manifest };
}
