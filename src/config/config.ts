import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { z } from 'zod';
import { ALERT_RULES, DEFAULT_ALERT_RULES, REQUIRED_ALERT_RULES } from '../domain/safeguarding';

const list = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const optionalText = z
  .string()
  .optional()
  .transform((s) => (s?.trim() ? s.trim() : undefined));

const PHONE = /^[0-9 +()-]{6,20}$/;
const PHONE_MESSAGE = 'must be a telephone number, e.g. 0116 123 4567';

const optionalPhone = optionalText.pipe(z.string().regex(PHONE, PHONE_MESSAGE).optional());

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const schema = z
  .object({
    APP_ENV: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes only'),
    BOT_MODE: z.enum(['local', 'production'], {
      error: 'must be "local" (no authentication, loopback only) or "production"',
    }),
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    HOST: optionalText,
    BOT_ID: optionalText,
    BOT_PASSWORD: optionalText,
    BOT_TYPE: z.enum(['SingleTenant', 'MultiTenant']).default('SingleTenant'),
    TENANT_ID: z.string().trim().regex(guid, 'must be the Microsoft Entra tenant id (a GUID)'),
    DATABASE_FILE: z.string().trim().min(1).default('data/imh-duty-bot.sqlite'),
    // several instances share one PostgreSQL: drafts, records, outbox, audit, limits (README, "Running
    // several instances"); without it everything stays in DATABASE_FILE. Never logged: it can hold a password
    DATABASE_URL: optionalText.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// connection URL')
        .optional(),
    ),
    /** The schema that holds the bot's tables on PostgreSQL (created if missing); default the connection's own. */
    DATABASE_SCHEMA: optionalText.pipe(
      z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case schema name (letters, digits, _)')
        .refine((v) => !v.startsWith('pg_'), 'must not start with pg_')
        .optional(),
    ),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TIME_ZONE: z
      .string()
      .default('Europe/London')
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en-GB', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'is not a time zone this machine knows'),
    SERVICE_NAME: z.string().trim().min(1, 'is required (the IMH service name shown on every card)').max(80),
    SERVICE_AREA_NAME: z
      .string()
      .trim()
      .min(1, 'is required (e.g. "Leicester, Leicestershire and Rutland")')
      .max(120),
    SERVICE_AREA_POSTCODE_DISTRICTS: list.pipe(
      z.array(
        z
          .string()
          .regex(/^[A-Z]{1,2}[0-9][0-9A-Z]?$/, 'each must be a postcode district such as LE1 or LE11'),
      ),
    ),
    SERVICE_AREA_LOCAL_AUTHORITIES: list,
    ADVICE_LINE_NUMBER: z.string().trim().regex(PHONE, PHONE_MESSAGE),
    // Where a referrer is told to report a child at risk, the moment possible harm is answered (issue 8):
    // many areas call it something other than MASH, so the name is a setting too.
    SOCIAL_CARE_FRONT_DOOR_NAME: z
      .string()
      .trim()
      .min(1, 'must not be empty (e.g. "Children’s social care front door")')
      .max(80)
      .default('Children’s social care front door'),
    SOCIAL_CARE_FRONT_DOOR_NUMBER: optionalPhone,
    /** Deprecated: the front door's number under its old name; SOCIAL_CARE_FRONT_DOOR_NUMBER replaces it. */
    MASH_NUMBER: optionalPhone,
    /** The Emergency Duty Team (children's social care out of hours), shown in the phone prompts. */
    OUT_OF_HOURS_NAME: z
      .string()
      .trim()
      .min(1, 'must not be empty (e.g. "Emergency Duty Team")')
      .max(80)
      .default('Emergency Duty Team'),
    OUT_OF_HOURS_NUMBER: optionalPhone,
    DUTY_CALL_MINUTES: z.coerce.number().int().min(5).max(240).default(45),

    // Channel delivery. Channels are normally set with "@bot set duty channel"; these name them instead.
    TEAMS_SERVICE_URL: z
      .url('must be the Bot Connector service URL')
      .default('https://smba.trafficmanager.net/uk/'),
    DUTY_TEAM_ID: optionalText,
    DUTY_CHANNEL_ID: optionalText,
    SAFEGUARDING_TEAM_ID: optionalText,
    SAFEGUARDING_CHANNEL_ID: optionalText,
    ADMIN_TEAM_ID: optionalText,
    ADMIN_CHANNEL_ID: optionalText,
    /** Entra object ids allowed to set the bot's channels. */
    CHANNEL_ADMINS: list,
    SAFEGUARDING_ALERT_RULES: z
      .string()
      .default(DEFAULT_ALERT_RULES.join(','))
      .transform((s) =>
        s
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(ALERT_RULES, { error: `each must be one of: ${ALERT_RULES.join(', ')}` })))
      .superRefine((rules, ctx) => {
        const missing = REQUIRED_ALERT_RULES.filter((r) => !rules.includes(r));
        if (missing.length > 0) {
          ctx.addIssue({
            code: 'custom',
            message: `must include ${REQUIRED_ALERT_RULES.join(' and ')} (missing: ${missing.join(', ')}): without them possible harm to the baby, or harm not known, would alert nobody`,
          });
        }
      }),
    ONCALL_LEAD_AAD_ID: optionalText,
    ONCALL_LEAD_NAME: optionalText,
    ALERT_ESCALATION_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30),
    /**
     * Seconds an alert may take to reach the leads' channel; past it the referrer is told to phone, the
     * duty and admin channels get it with the on-call lead mentioned, and /healthz is degraded.
     */
    ALERT_DELIVERY_DEADLINE_SECONDS: z.coerce.number().int().min(10).max(3600).default(120),
    /**
     * A draft whose risk section raised a safeguarding alert, still not submitted (nor discarded) this many
     * minutes after the alert: the leads are told in the alert's thread, once.
     */
    RISK_DRAFT_ALERT_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(60),
    REFERRAL_REMINDER_DAYS: z.coerce.number().int().min(1).max(90).default(7),
    DELIVERY_GIVE_UP_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(60),
    DELIVERY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(15),
    // Several instances (README): a post's claim, renewed every third of it while under way. After a
    // crash its posts wait this long to be taken over; too short, and a stalled instance loses them.
    DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(3).max(300).default(15),

    // Retention (README: "Your data").
    DRAFT_RETENTION_DAYS: z.coerce
      .number({ error: 'must be a whole number of days' })
      .int('must be a whole number of days')
      .min(1, 'must be at least 1 day')
      .max(365, 'must be at most 365 days: an unfinished draft is not a record')
      .default(30),
    REFERRER_PROFILE_RETENTION_DAYS: z.coerce
      .number({ error: 'must be a whole number of days' })
      .int('must be a whole number of days')
      .min(1, 'must be at least 1 day')
      .max(3 * 365, 'must be at most 1095 days (3 years)')
      .default(180),
    // The NHS Records Management Code of Practice keeps children's records until the 25th birthday
    // (26th if 17 at the end of treatment, which cannot apply here). The infant is at most 2 at the
    // call, or unborn and due up to about 10 months later, so its 25th birthday is at most 25 years
    // 10 months after submission: 26 years covers every call, and nothing shorter is allowed. (An
    // antenatal call belongs on the mother's record, whose adult period of 8 years is shorter.)
    RECORD_RETENTION_YEARS: z.coerce
      .number({ error: 'must be a whole number of years' })
      .int('must be a whole number of years')
      .min(
        26,
        "must be at least 26: children's records are kept until the 25th birthday (NHS Records Management Code), and an infant may be unborn at the call",
      )
      .max(100, 'must be at most 100 years')
      .default(26),
    // Test suite only: where Bot Framework's signing keys are fetched from, so production-mode
    // authentication can be tested against locally minted tokens. Refused outside APP_ENV=test.
    TEST_BOT_OPENID_METADATA_URL: optionalText,
  })
  .superRefine((c, ctx) => {
    for (const role of ['DUTY', 'SAFEGUARDING', 'ADMIN'] as const) {
      if (Boolean(c[`${role}_TEAM_ID`]) !== Boolean(c[`${role}_CHANNEL_ID`])) {
        ctx.addIssue({
          code: 'custom',
          path: [`${role}_CHANNEL_ID`],
          message: `${role}_TEAM_ID and ${role}_CHANNEL_ID go together: set both or neither`,
        });
      }
    }
    if (
      c.MASH_NUMBER &&
      c.SOCIAL_CARE_FRONT_DOOR_NUMBER &&
      c.MASH_NUMBER !== c.SOCIAL_CARE_FRONT_DOOR_NUMBER
    ) {
      // two numbers for one front door: a referrer must never be given the wrong one
      ctx.addIssue({
        code: 'custom',
        path: ['MASH_NUMBER'],
        message:
          'is the deprecated name of SOCIAL_CARE_FRONT_DOOR_NUMBER and differs from it: remove MASH_NUMBER',
      });
    }
    if (c.REFERRER_PROFILE_RETENTION_DAYS < c.DRAFT_RETENTION_DAYS) {
      // the profile and the draft are one stored item: expiring it would take the draft sooner
      ctx.addIssue({
        code: 'custom',
        path: ['REFERRER_PROFILE_RETENTION_DAYS'],
        message: `must be at least DRAFT_RETENTION_DAYS (${c.DRAFT_RETENTION_DAYS}): the profile is stored with the draft`,
      });
    }
    if (c.SERVICE_AREA_POSTCODE_DISTRICTS.length === 0 && c.SERVICE_AREA_LOCAL_AUTHORITIES.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['SERVICE_AREA_POSTCODE_DISTRICTS'],
        message: 'the service area needs postcode districts and/or SERVICE_AREA_LOCAL_AUTHORITIES',
      });
    }
  });

/**
 * A bot that took its signing keys from anywhere but Microsoft would accept tokens anyone can mint:
 * the setting exists for the test suite alone, and even there only points at this machine. Checked on
 * the raw settings, like productionIssues, so it is reported whatever else is wrong.
 */
function testOnlyIssues(raw: Record<string, string>): string[] {
  const url = raw.TEST_BOT_OPENID_METADATA_URL?.trim();
  if (!url) return [];
  const key = 'TEST_BOT_OPENID_METADATA_URL';
  if (raw.APP_ENV !== 'test') {
    return [
      `${key}: is for the test suite only (APP_ENV=test); everywhere else tokens are checked against Microsoft's published keys: remove it`,
    ];
  }
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    host = '';
  }
  return ['127.0.0.1', 'localhost', '[::1]'].includes(host)
    ? []
    : [
        `${key}: must be an http://127.0.0.1 or http://localhost address (a stand-in for Bot Framework's keys)`,
      ];
}

/** Checked on the raw settings so they are reported even when other settings are also wrong. */
function productionIssues(raw: Record<string, string>): string[] {
  if (raw.BOT_MODE?.trim() !== 'production') return [];
  const issues: string[] = [];
  for (const key of ['BOT_ID', 'BOT_PASSWORD']) {
    if (!raw[key]?.trim()) issues.push(`${key}: is required in production mode`);
  }
  const id = raw.BOT_ID?.trim();
  if (id && !guid.test(id)) issues.push('BOT_ID: must be the bot app id (a GUID)');
  // the numbers a referrer is told to ring when harm is possible (issue 8): a live service needs both
  if (!raw.SOCIAL_CARE_FRONT_DOOR_NUMBER?.trim() && !raw.MASH_NUMBER?.trim()) {
    issues.push(
      "SOCIAL_CARE_FRONT_DOOR_NUMBER: is required in production mode (the children's social care front door a referrer is told to call when harm is possible; MASH_NUMBER is accepted as its old name)",
    );
  }
  if (!raw.OUT_OF_HOURS_NUMBER?.trim()) {
    issues.push(
      'OUT_OF_HOURS_NUMBER: is required in production mode (the Emergency Duty Team a referrer is told to call out of hours)',
    );
  }
  return issues;
}

/** The front door's number: SOCIAL_CARE_FRONT_DOOR_NUMBER, else its deprecated name MASH_NUMBER. */
export function frontDoorNumber(
  config: Pick<Config, 'SOCIAL_CARE_FRONT_DOOR_NUMBER' | 'MASH_NUMBER'>,
): string | undefined {
  return config.SOCIAL_CARE_FRONT_DOOR_NUMBER ?? config.MASH_NUMBER;
}

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

/**
 * Reads `env/.env.<APP_ENV>` (APP_ENV defaults to `local`) under the process environment, which wins,
 * and validates it. Throws a ConfigError naming every missing or bad setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): Config {
  const appEnv = env.APP_ENV?.trim() || 'local';
  const file = path.join(root, 'env', `.env.${appEnv}`);
  const fromFile =
    /^[a-z0-9-]+$/.test(appEnv) && fs.existsSync(file) ? dotenv.parse(fs.readFileSync(file)) : {};
  const merged = { ...fromFile, ...definedOnly(env), APP_ENV: appEnv };
  const result = schema.safeParse(merged, {
    error: (iss) =>
      iss.code === 'invalid_type' && iss.input === undefined ? 'is required but not set' : undefined,
  });
  const extra = [...productionIssues(merged), ...testOnlyIssues(merged)];
  if (!result.success || extra.length > 0) {
    const lines = [
      ...(result.success
        ? []
        : result.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`)),
      ...extra,
    ].map((l) => `  - ${l}`);
    const source = Object.keys(fromFile).length
      ? `env/.env.${appEnv} and the environment`
      : 'the environment';
    throw new ConfigError(
      `Invalid configuration (APP_ENV=${appEnv}, read from ${source}):\n${lines.join('\n')}`,
    );
  }
  return result.data as Config;
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** Local mode never listens beyond loopback, whatever HOST says. */
export function listenHost(config: Config): string {
  return config.BOT_MODE === 'local' ? '127.0.0.1' : (config.HOST ?? '0.0.0.0');
}
