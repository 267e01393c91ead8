import { randomInt, randomUUID } from 'node:crypto';
import type { Storage, TurnContext } from 'botbuilder';
import { createApp } from './bot/app';
import { DraftStore } from './bot/draft-store';
import { TeamMembership, teamsMemberLookup } from './bot/permissions';
import { sendCard } from './bot/turn';
import { type Config, ConfigError, frontDoorNumber, listenHost } from './config/config';
import { botTokenProvider, ConnectorHttp } from './delivery/connector-http';
import { type RenderContext, renderDelivery } from './delivery/render';
import { Scheduler, startScheduler } from './delivery/scheduler';
import { SharedRateLimiter } from './delivery/shared-rate-limit';
import { DeliveryWorker, type DeliveryWorkerOptions } from './delivery/worker';
import { todayInTimeZone } from './domain/age';
import type { ServiceProfile } from './domain/checklist';
import { makeReference } from './domain/submitted-call';
import { botFrameworkAuthConfig } from './http/bot-framework-auth';
import { FrontDoorAdapter } from './http/front-door-adapter';
import { activityTypeForLog, createLogger, type Logger } from './logger';
import { Audit } from './records/audit';
import { CallActions } from './records/call-actions';
import { CallReferences } from './records/call-references';
import { CallViews } from './records/call-view';
import { ChannelRegistry } from './records/channels';
import { DraftAlerts } from './records/draft-alerts';
import { InstalledTeams } from './records/installed-teams';
import { openCalls } from './records/open-calls';
import { outboxStats, overdueAlerts } from './records/outbox';
import { PostStamps } from './records/post-stamps';
import { Retention } from './records/retention';
import { Submissions } from './records/submissions';
import { createServer, listen } from './server';
import { openStore } from './storage/open-store';
import { StorageUnavailableError } from './storage/storage-errors';
import { buttons } from './views/common';
import { problemCard } from './views/notice-view';

export interface RunningBot {
  readonly url: string;
  close(): Promise<void>;
}

/** Drafts and turn state kept outside the SQLite file, with a way to ask whether the store answers. */
export interface DraftStateStorage extends Storage {
  /** Resolves (never rejects) within a few seconds: /healthz asks on every probe. */
  ready?(): Promise<boolean>;
}

export interface HostOptions {
  /**
   * Drafts and Teams AI turn state in this store instead of the SQLite file. Only tests pass one today;
   * it is the seam the multi-instance work turns into a setting (PostgreSQL shared by every instance).
   * The caller owns it: close() leaves it open.
   */
  readonly draftStorage?: DraftStateStorage;
  readonly logger?: Logger;
  readonly now?: () => Date;
  /** How often time-driven work (escalations, reminders) is looked at; tests make it short. */
  readonly schedulerEveryMs?: number;
  /** Delivery worker overrides for tests: a short poll, a fast first retry. */
  readonly delivery?: Partial<
    Pick<DeliveryWorkerOptions, 'pollMs' | 'retryBaseMs' | 'targetWaitMs' | 'alertRetryBaseMs'>
  >;
}

export function serviceProfile(config: Config): ServiceProfile {
  return {
    serviceName: config.SERVICE_NAME,
    areaName: config.SERVICE_AREA_NAME,
    postcodeDistricts: config.SERVICE_AREA_POSTCODE_DISTRICTS,
    localAuthorities: config.SERVICE_AREA_LOCAL_AUTHORITIES,
    adviceLineNumber: config.ADVICE_LINE_NUMBER,
    frontDoorName: config.SOCIAL_CARE_FRONT_DOOR_NAME,
    frontDoorNumber: frontDoorNumber(config),
    outOfHoursName: config.OUT_OF_HOURS_NAME,
    outOfHoursNumber: config.OUT_OF_HOURS_NUMBER,
    callMinutes: config.DUTY_CALL_MINUTES,
    timeZone: config.TIME_ZONE,
  };
}

function adapterFor(config: Config): FrontDoorAdapter {
  return new FrontDoorAdapter(botFrameworkAuthConfig(config));
}

/** Composition root: configuration -> storage -> Teams app -> HTTP server. */
export async function startBot(config: Config, options: HostOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const now = options.now ?? (() => new Date());
  // PostgreSQL when DATABASE_URL is set (several instances), else the SQLite file; migrated before use
  const store = await openStore(config, now, logger);
  const { sql } = store;
  // drafts in the records' own database are saved in one transaction with the alert a risk save raises
  const storage = options.draftStorage ?? store.drafts;
  const adapter = adapterFor(config);
  const audit = new Audit(sql);
  const newId = () => randomUUID();
  const profile = serviceProfile(config);
  const retention = {
    draftDays: config.DRAFT_RETENTION_DAYS,
    profileDays: config.REFERRER_PROFILE_RETENTION_DAYS,
    recordYears: config.RECORD_RETENTION_YEARS,
  };
  const channels = new ChannelRegistry(sql, config);
  const references = new CallReferences(
    sql,
    () => makeReference(() => randomInt(0, 1_000_000) / 1_000_000),
    now,
  );
  const newReference = () => references.issue();
  const draftAlerts = new DraftAlerts(sql, {
    alertRules: config.SAFEGUARDING_ALERT_RULES,
    profile,
    giveUpMinutes: config.DELIVERY_GIVE_UP_MINUTES,
    newId,
    newReference: () => references.reserve(),
    escalationMinutes: config.ALERT_ESCALATION_MINUTES,
  });
  if (config.BOT_MODE === 'production' && !(await channels.get('safeguarding'))) {
    // an alert with nowhere to go alerts nobody (issue 8, HAZ-06). A channel set in Teams is only in the
    // database, so this is checked here rather than with the other settings.
    await store.close();
    throw new ConfigError(
      `Invalid configuration (APP_ENV=${config.APP_ENV}):\n  - SAFEGUARDING_TEAM_ID and SAFEGUARDING_CHANNEL_ID: a safeguarding channel is required in production mode and none is configured or set in Teams: name it in these settings (after it is set with "@bot set safeguarding channel" they may be removed)`,
    );
  }
  // the duty and alert cards, as posted by the worker and as refreshed after a card action
  const render: RenderContext = {
    profile,
    referralReminderDays: config.REFERRAL_REMINDER_DAYS,
    escalationMinutes: config.ALERT_ESCALATION_MINUTES,
    oncallLead:
      config.ONCALL_LEAD_AAD_ID && config.ONCALL_LEAD_NAME
        ? { id: config.ONCALL_LEAD_AAD_ID, name: config.ONCALL_LEAD_NAME }
        : undefined,
    alertRules: config.SAFEGUARDING_ALERT_RULES,
    now,
    alertDeadlineSeconds: config.ALERT_DELIVERY_DEADLINE_SECONDS,
  };
  const calls = new CallViews(sql);
  const worker = new DeliveryWorker({
    channels,
    render: (d) => renderDelivery(d, render),
    // our own client, not botbuilder's: its pipeline retries posts by itself (see connector-http.ts)
    connector: new ConnectorHttp({
      token:
        config.BOT_MODE === 'local' || !config.BOT_ID
          ? async () => undefined
          : botTokenProvider(adapter.credentialsFactory, config.BOT_ID, config.TENANT_ID),
      timeoutMs: config.DELIVERY_TIMEOUT_SECONDS * 1000,
    }),
    now,
    logger,
    newId,
    tenantId: config.TENANT_ID,
    giveUpMinutes: config.DELIVERY_GIVE_UP_MINUTES,
    leaseMs: config.DELIVERY_LEASE_SECONDS * 1000,
    // Teams counts every instance's posts together
    limiter: new SharedRateLimiter(new PostStamps(sql)),
    sql,
    // alerts: their own lane; a hung post is left after at most 3 s on the first two tries (later tries
    // take the full timeout), and past the deadline the referrer, the duty and admin channels are told
    alertFirstTimeoutMs: Math.min(3_000, config.DELIVERY_TIMEOUT_SECONDS * 1000),
    alertDeadlineMs: config.ALERT_DELIVERY_DEADLINE_SECONDS * 1000,
    ...options.delivery,
  });
  const scheduler = new Scheduler({
    sql,
    logger,
    now,
    newId,
    wake: () => worker.wake(),
    escalationMinutes: config.ALERT_ESCALATION_MINUTES,
    reminderDays: config.REFERRAL_REMINDER_DAYS,
    giveUpMinutes: config.DELIVERY_GIVE_UP_MINUTES,
    today: (d) => todayInTimeZone(d, config.TIME_ZONE),
    // held all along (a reader): tried again until it is done (scrubWalSoon)
    retention: new Retention(sql, logger, retention, () =>
      store.afterDelete(() => logger.warn({ event: 'retention-wal-busy' })),
    ),
    draftAlerts,
    riskDraftAlertMinutes: config.RISK_DRAFT_ALERT_MINUTES,
  });
  const deps = {
    sql,
    profile,
    drafts: new DraftStore(storage, sql, options.draftStorage ? undefined : store.drafts),
    submissions: new Submissions(
      sql,
      {
        alertRules: config.SAFEGUARDING_ALERT_RULES,
        giveUpMinutes: config.DELIVERY_GIVE_UP_MINUTES,
        newId,
      },
      draftAlerts.queries,
    ),
    draftAlerts,
    wakeDelivery: () => worker.wake(),
    logger,
    now,
    newId,
    newReference,
    channels,
    installedTeams: new InstalledTeams(sql),
    calls,
    openCalls: (at: Date) =>
      sql.transact(openCalls(at, (d) => todayInTimeZone(d, config.TIME_ZONE), config.REFERRAL_REMINDER_DAYS)),
    callActions: new CallActions(sql, {
      giveUpMinutes: config.DELIVERY_GIVE_UP_MINUTES,
      newId,
    }),
    audit,
    membership: new TeamMembership(teamsMemberLookup, now),
    render,
    channelAdmins: config.CHANNEL_ADMINS,
    scrubDeleted: () => {
      // held all along (e.g. a report script reading): tried again until it is done
      store.afterDelete(() => logger.warn({ event: 'wal-scrub-busy' }));
    },
    retention,
  };
  // teams-ai needs a non-empty id for proactive sends even when authentication is off
  const app = createApp(adapter, config.BOT_ID ?? 'local-bot', deps);

  adapter.onTurnError = async (context: TurnContext, err: Error) => {
    const storageDown = err instanceof StorageUnavailableError;
    // an explicit message: pino would otherwise log err.message, which can quote what was typed
    logger.error(
      {
        event: 'turn-failed',
        activityType: activityTypeForLog(context.activity.type),
        ...(storageDown ? { storageDown } : {}),
        err,
      },
      'turn failed',
    );
    try {
      await sendCard(
        context,
        storageDown
          ? problemCard(
              'Not saved just now',
              [
                'I cannot reach the place where drafts are kept at the moment, so that step was not saved.',
                'Nothing you typed was lost: your saved draft is safe and what you entered is still on the card. Please try again shortly.',
              ],
              [buttons.resume],
            )
          : problemCard(
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
    health: async () => {
      // every turn reads and writes drafts, so without their store this instance can only apologise:
      // 503 tells a load balancer to send turns elsewhere until it answers again
      const recordsReady = await store.ready();
      const storageReady =
        recordsReady &&
        (options.draftStorage?.ready ? await options.draftStorage.ready().catch(() => false) : true);
      const storage = {
        records: store.kind,
        drafts: options.draftStorage ? 'external' : store.kind,
        ready: storageReady,
        // where SQLite's WAL is checkpointed: off the event loop, or (worker gone) in a turn's commit
        checkpoints: store.checkpoints(),
      };
      if (!recordsReady) return { status: 'unavailable', mode: config.BOT_MODE, storage };
      // a failed delivery makes the bot "degraded", still with HTTP 200: restarting it would not make
      // the delivery, and a liveness probe must not kill a bot that otherwise works
      const d = await sql.transact(outboxStats());
      // an alert past its deadline has not reached the leads: degraded until it does
      const alertsOverdue = await sql.transact(
        overdueAlerts(new Date(now().getTime() - config.ALERT_DELIVERY_DEADLINE_SECONDS * 1000)),
      );
      const deliveries = {
        pending: d.pending,
        failed: d.failed,
        delivered: d.delivered,
        oldestPendingSeconds: d.oldestPendingAt
          ? Math.max(0, Math.floor((now().getTime() - Date.parse(d.oldestPendingAt)) / 1000))
          : null,
        alertsOverdue,
      };
      return {
        ...(!storageReady
          ? { status: 'unavailable' }
          : d.failed > 0 || alertsOverdue > 0
            ? { status: 'degraded' }
            : {}),
        mode: config.BOT_MODE,
        storage,
        deliveries,
      };
    },
  });
  const host = listenHost(config);
  const { url } = await listen(server, config.PORT, host);
  logger.info({ event: 'listening', url, mode: config.BOT_MODE });
  if (!(await channels.get('admin'))) {
    // it can still be set in Teams; until then, notices of failed deliveries wait for it
    logger.warn({ event: 'admin-channel-not-set' }, 'no admin channel: failed deliveries cannot be reported');
  }
  worker.start();
  const stopScheduler = startScheduler(scheduler, options.schedulerEveryMs ?? 30_000, logger);
  return {
    url,
    close: async () => {
      await stopScheduler();
      await worker.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
