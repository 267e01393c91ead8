import { randomInt, randomUUID } from 'node:crypto';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { createApp } from './bot/app';
import { DraftStore } from './bot/draft-store';
import { sendCard } from './bot/turn';
import { buttons } from './bot/views/common';
import { problemCard } from './bot/views/notice-view';
import { type Config, listenHost } from './config/config';
import { Outbox } from './delivery/outbox';
import { Scheduler, startScheduler } from './delivery/scheduler';
import { DeliveryWorker } from './delivery/worker';
import { todayInTimeZone } from './domain/age';
import type { ServiceProfile } from './domain/checklist';
import { makeReference } from './domain/submitted-call';
import { createLogger, type Logger } from './logger';
import { Audit } from './records/audit';
import { CallContacts } from './records/call-contacts';
import { RecordEvents } from './records/record-events';
import { Submissions } from './records/submissions';
import { createServer, listen } from './server';
import { openDatabase } from './storage/database';
import { DutyCallRecords } from './storage/duty-call-records';
import { SqliteStorage } from './storage/sqlite-storage';

export interface RunningBot {
  readonly url: string;
  close(): Promise<void>;
}

export interface HostOptions {
  readonly logger?: Logger;
  readonly now?: () => Date;
  /** How often time-driven work (escalations, reminders) is looked at; tests make it short. */
  readonly schedulerEveryMs?: number;
}

export function serviceProfile(config: Config): ServiceProfile {
  return {
    serviceName: config.SERVICE_NAME,
    areaName: config.SERVICE_AREA_NAME,
    postcodeDistricts: config.SERVICE_AREA_POSTCODE_DISTRICTS,
    localAuthorities: config.SERVICE_AREA_LOCAL_AUTHORITIES,
    adviceLineNumber: config.ADVICE_LINE_NUMBER,
    mashNumber: config.MASH_NUMBER,
    callMinutes: config.DUTY_CALL_MINUTES,
    timeZone: config.TIME_ZONE,
  };
}

function adapterFor(config: Config): TeamsAdapter {
  if (config.BOT_MODE === 'local') return new TeamsAdapter({});
  return new TeamsAdapter({
    MicrosoftAppId: config.BOT_ID,
    MicrosoftAppPassword: config.BOT_PASSWORD,
    MicrosoftAppType: config.BOT_TYPE,
    MicrosoftAppTenantId: config.TENANT_ID,
  });
}

/** Composition root: configuration -> storage -> Teams app -> HTTP server. */
export async function startBot(config: Config, options: HostOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const db = openDatabase(config.DATABASE_FILE);
  const storage = new SqliteStorage(db);
  const adapter = adapterFor(config);
  const records = new DutyCallRecords(db);
  const outbox = new Outbox(db);
  const audit = new Audit(db);
  const newId = () => randomUUID();
  const worker = new DeliveryWorker();
  const events = new RecordEvents(db);
  const now = options.now ?? (() => new Date());
  const scheduler = new Scheduler({
    db,
    events,
    outbox,
    audit,
    logger,
    now,
    newId,
    wake: () => worker.wake(),
    escalationMinutes: config.ALERT_ESCALATION_MINUTES,
    reminderDays: config.REFERRAL_REMINDER_DAYS,
    giveUpMinutes: config.DELIVERY_GIVE_UP_MINUTES,
    today: (d) => todayInTimeZone(d, config.TIME_ZONE),
  });
  const deps = {
    profile: serviceProfile(config),
    drafts: new DraftStore(storage),
    records,
    submissions: new Submissions(db, records, new CallContacts(db), outbox, audit, {
      alertRules: config.SAFEGUARDING_ALERT_RULES,
      giveUpMinutes: config.DELIVERY_GIVE_UP_MINUTES,
      newId,
    }),
    wakeDelivery: () => worker.wake(),
    logger,
    now,
    newId,
    newReference: () => makeReference(() => randomInt(0, 1_000_000) / 1_000_000),
  };
  // teams-ai needs a non-empty id for proactive sends even when authentication is off
  const app = createApp(adapter, storage, config.BOT_ID ?? 'local-bot', deps);

  adapter.onTurnError = async (context: TurnContext, err: Error) => {
    // an explicit message: pino would otherwise log err.message, which can quote what was typed
    logger.error({ event: 'turn-failed', activityType: context.activity.type, err }, 'turn failed');
    try {
      await sendCard(
        context,
        problemCard(
          'Something went wrong',
          ['Sorry: I could not finish that. Your saved draft is safe; please try again.'],
          [buttons.resume],
        ),
      );
    } catch {
      // the connector may be the thing that failed; the log already has the error
    }
  };

  const server = createServer({
    adapter,
    logic: async (context) => {
      await app.run(context);
    },
    tenantId: config.TENANT_ID,
    logger,
    health: () => {
      db.prepare('SELECT 1').get();
      return { mode: config.BOT_MODE, storage: 'sqlite' };
    },
  });
  const host = listenHost(config);
  const { url } = await listen(server, config.PORT, host);
  logger.info({ event: 'listening', url, mode: config.BOT_MODE });
  const stopScheduler = startScheduler(scheduler, options.schedulerEveryMs ?? 30_000, logger);
  return {
    url,
    close: async () => {
      stopScheduler();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
    },
  };
}
