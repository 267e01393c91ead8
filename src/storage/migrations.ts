export interface Migration {
  version: number;
  sql: string;
}

// Append only: a migration that has shipped must never be edited, because databases that already
// recorded its version will not run it again.
export const migrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE bot_state (
        key TEXT PRIMARY KEY,
        etag TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE duty_calls (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('full', 'advice')),
        tenant_id TEXT NOT NULL,
        referrer_aad_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        record_json TEXT NOT NULL
      );

      CREATE INDEX duty_calls_referrer_submitted ON duty_calls (referrer_aad_id, submitted_at);
    `,
  },
  {
    version: 2,
    sql: `
      -- Where the bot posts: set by "@bot set duty channel" (or configuration), one row per role.
      CREATE TABLE channels (
        role TEXT PRIMARY KEY CHECK (role IN ('duty', 'safeguarding', 'admin')),
        team_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        service_url TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL
      );

      -- Teams the bot is installed in, learned from the install event.
      CREATE TABLE teams (
        team_id TEXT PRIMARY KEY,
        service_url TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        channels_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- How to reach the referrer of a call later (reminders, the indication given).
      CREATE TABLE call_contacts (
        record_id TEXT PRIMARY KEY REFERENCES duty_calls (id),
        service_url TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        user_id TEXT NOT NULL
      );

      -- What happened to a call after submission; the state is the fold of its events, in seq order.
      -- (record_id, seq) is the optimistic-concurrency check: two actions on one version cannot both land.
      CREATE TABLE record_events (
        record_id TEXT NOT NULL REFERENCES duty_calls (id),
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_name TEXT NOT NULL,
        at TEXT NOT NULL,
        data_json TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (record_id, seq)
      );

      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        record_id TEXT REFERENCES duty_calls (id),
        kind TEXT NOT NULL,
        target_json TEXT NOT NULL,
        payload_json TEXT NOT NULL DEFAULT '{}',
        after_id TEXT REFERENCES outbox (id),
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        next_attempt_at TEXT NOT NULL,
        give_up_at TEXT NOT NULL,
        in_flight_at TEXT,
        delivered_at TEXT,
        conversation_id TEXT,
        activity_id TEXT,
        last_error TEXT
      );
      CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        action TEXT NOT NULL,
        record_id TEXT,
        outcome TEXT NOT NULL,
        detail_json TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_record ON audit (record_id, id);

      -- Records, their events and the audit trail are evidence: never changed or removed in place.
      CREATE TRIGGER duty_calls_append_only_u BEFORE UPDATE ON duty_calls
        BEGIN SELECT RAISE(ABORT, 'duty_calls rows are append-only'); END;
      CREATE TRIGGER duty_calls_append_only_d BEFORE DELETE ON duty_calls
        BEGIN SELECT RAISE(ABORT, 'duty_calls rows are append-only'); END;
      CREATE TRIGGER record_events_append_only_u BEFORE UPDATE ON record_events
        BEGIN SELECT RAISE(ABORT, 'record_events rows are append-only'); END;
      CREATE TRIGGER record_events_append_only_d BEFORE DELETE ON record_events
        BEGIN SELECT RAISE(ABORT, 'record_events rows are append-only'); END;
      CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
      CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
    `,
  },
  {
    version: 3,
    sql: `
      -- INSERT OR REPLACE (and REPLACE INTO) resolves a key clash by deleting the old row, which does
      -- not fire DELETE triggers unless recursive_triggers is on in that connection: refuse any insert
      -- over an existing key before the conflict is looked at, whatever the connection's settings.
      -- (ON CONFLICT DO UPDATE is caught here too, and by the UPDATE triggers.) The message's ending
      -- is how isExistingKey in database.ts tells a repeated submit from other failures.
      CREATE TRIGGER duty_calls_no_replace BEFORE INSERT ON duty_calls
        WHEN EXISTS (SELECT 1 FROM duty_calls WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'duty_calls rows are append-only: the row already exists'); END;
      CREATE TRIGGER record_events_no_replace BEFORE INSERT ON record_events
        WHEN EXISTS (SELECT 1 FROM record_events WHERE record_id = NEW.record_id AND seq = NEW.seq)
        BEGIN SELECT RAISE(ABORT, 'record_events rows are append-only: the row already exists'); END;
      CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
        WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'audit rows are append-only: the row already exists'); END;

      -- The one way a record may be deleted: the retention job inserts a permit for the record, deletes
      -- it with its events, and removes the permit, in one transaction (src/records/retention.ts).
      -- Any other DELETE is still refused; the audit has no permit at all.
      CREATE TABLE purge_permits (record_id TEXT PRIMARY KEY);
      DROP TRIGGER duty_calls_append_only_d;
      CREATE TRIGGER duty_calls_append_only_d BEFORE DELETE ON duty_calls
        WHEN NOT EXISTS (SELECT 1 FROM purge_permits WHERE record_id = OLD.id)
        BEGIN SELECT RAISE(ABORT, 'duty_calls rows are append-only'); END;
      DROP TRIGGER record_events_append_only_d;
      CREATE TRIGGER record_events_append_only_d BEFORE DELETE ON record_events
        WHEN NOT EXISTS (SELECT 1 FROM purge_permits WHERE record_id = OLD.record_id)
        BEGIN SELECT RAISE(ABORT, 'record_events rows are append-only'); END;

      -- Retention finds what is due by index, oldest first, in small batches.
      CREATE INDEX duty_calls_submitted ON duty_calls (submitted_at);
      CREATE INDEX bot_state_updated ON bot_state (updated_at);
      -- Only rows holding a draft in progress: a purged draft leaves its row (the remembered profile)
      -- with its old updated_at, and must not be looked at again on every run.
      CREATE INDEX bot_state_open_drafts ON bot_state (updated_at)
        WHERE CASE WHEN json_valid(value) THEN json_type(value, '$.current') END = 'object';
    `,
  },
  {
    version: 4,
    sql: `
      -- A safeguarding alert raised while the call is still in progress (on saving the risk section
      -- with possible harm), before any duty_calls row exists for the outbox's record_id to name. The
      -- alert is tied to its draft here; at submit the record takes it over (record_id), so the
      -- submitted call and the in-progress alert are one alert thread, not two.
      CREATE TABLE draft_alerts (
        -- the alert's own id: the in-progress alert's Acknowledge carries it
        id TEXT PRIMARY KEY,
        -- one alert per draft, however often the risk section is saved
        draft_id TEXT NOT NULL UNIQUE,
        -- the call's reference, shown to the leads now and given to the record at submit
        reference TEXT NOT NULL,
        -- the post that starts the alert's thread (no foreign key: retention deletes a record's
        -- deliveries, and removes this row with them)
        outbox_id TEXT NOT NULL UNIQUE,
        tenant_id TEXT NOT NULL,
        referrer_aad_id TEXT NOT NULL,
        -- the referrer's chat, for telling them the leads were alerted and who acknowledged
        service_url TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        -- what the alert card shows (the same minimum as a submitted call's alert), as at raising
        snapshot_json TEXT NOT NULL,
        raised_at TEXT NOT NULL,
        -- whether possible harm was still answered yes / not known at the last risk save
        risk_flagged INTEGER NOT NULL DEFAULT 1,
        ack_by_id TEXT,
        ack_by_name TEXT,
        ack_at TEXT,
        record_id TEXT,
        closed_as TEXT CHECK (closed_as IN ('submitted', 'discarded')),
        closed_at TEXT,
        unsubmitted_noted_at TEXT
      );
      -- the scheduler's RISK_DRAFT_ALERT_MINUTES check: open alerts not yet followed up, oldest first
      CREATE INDEX draft_alerts_unsubmitted ON draft_alerts (raised_at)
        WHERE closed_at IS NULL AND unsubmitted_noted_at IS NULL;
      CREATE INDEX draft_alerts_record ON draft_alerts (record_id) WHERE record_id IS NOT NULL;
    `,
  },
  {
    version: 5,
    sql: `
      -- An in-progress alert is escalated like a record's (every ALERT_ESCALATION_MINUTES until
      -- acknowledged) while it has no record: the rounds made so far, and when the next is due, which the
      -- scheduler finds by index. NULL once acknowledged or taken over by its record (whose events then
      -- carry the rounds).
      ALTER TABLE draft_alerts ADD COLUMN escalations INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE draft_alerts ADD COLUMN last_escalated_at TEXT;
      ALTER TABLE draft_alerts ADD COLUMN next_escalation_at TEXT;
      -- alerts raised by an earlier build: looked at on the first tick, which sets the real time
      UPDATE draft_alerts SET next_escalation_at = raised_at WHERE record_id IS NULL AND ack_at IS NULL;
      CREATE INDEX draft_alerts_escalation ON draft_alerts (next_escalation_at)
        WHERE next_escalation_at IS NOT NULL;
      -- retention of alerts that never became a record's (discarded, or never submitted), oldest first
      CREATE INDEX draft_alerts_unrecorded ON draft_alerts (raised_at) WHERE record_id IS NULL;

      -- An in-progress alert's deliveries have no record_id; each carries the alert's id in its payload.
      -- Rows an earlier build queued about the alert's first post (the undelivered notices) name it by
      -- alertId only: give them the alert's id too, so one index finds them all.
      UPDATE outbox SET payload_json = json_set(payload_json, '$.draftAlertId',
          (SELECT a.id FROM draft_alerts a WHERE a.outbox_id = json_extract(outbox.payload_json, '$.alertId')))
        WHERE record_id IS NULL AND json_extract(payload_json, '$.draftAlertId') IS NULL
          AND EXISTS (SELECT 1 FROM draft_alerts a WHERE a.outbox_id = json_extract(outbox.payload_json, '$.alertId'));
      CREATE INDEX outbox_draft_alert ON outbox (json_extract(payload_json, '$.draftAlertId'))
        WHERE record_id IS NULL;
    `,
  },
  {
    version: 6,
    sql: `
      -- Time-driven work on submitted calls, found by index so a scheduler tick costs the same however
      -- long the history (issue 10): a full call's next referral reminder, and each unacknowledged
      -- alert's next escalation. Records, events and the audit stay append-only; this table is the one
      -- that changes. due_at is when the scheduler next looks: the scheduler alone works out the real
      -- time from the record's events (nextReminderOn, nextEscalationAt in src/domain/call-state.ts);
      -- the triggers below only say "look now" when something that may change it is written, in the
      -- same transaction, whichever code writes it. A row whose work is over is deleted. An 'indication'
      -- row (never due: the scheduler does not read them) marks a call no indication has been given for
      -- yet, so "open calls" reads the open ones, not the history.
      CREATE TABLE record_schedule (
        record_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('reminder', 'escalation', 'indication')),
        -- the alert's outbox id for an escalation; '' for a reminder
        alert_id TEXT NOT NULL DEFAULT '',
        due_at TEXT NOT NULL,
        PRIMARY KEY (record_id, kind, alert_id)
      );
      CREATE INDEX record_schedule_due ON record_schedule (kind, due_at);

      -- a full call awaits its formal referral from submission
      CREATE TRIGGER record_schedule_call AFTER INSERT ON duty_calls WHEN NEW.kind = 'full'
      BEGIN
        INSERT INTO record_schedule (record_id, kind, alert_id, due_at)
          VALUES (NEW.id, 'reminder', '', NEW.submitted_at)
          ON CONFLICT DO NOTHING;
      END;
      CREATE TRIGGER record_schedule_open AFTER INSERT ON duty_calls
      BEGIN
        INSERT INTO record_schedule (record_id, kind, alert_id, due_at)
          VALUES (NEW.id, 'indication', '', NEW.submitted_at)
          ON CONFLICT DO NOTHING;
      END;
      -- a record's safeguarding alert, queued with it or taken over from its draft (linkToRecord)
      CREATE TRIGGER record_schedule_alert AFTER INSERT ON outbox
        WHEN NEW.kind = 'safeguarding-alert' AND NEW.record_id IS NOT NULL
      BEGIN
        INSERT INTO record_schedule (record_id, kind, alert_id, due_at)
          SELECT NEW.record_id, 'escalation', NEW.id, NEW.created_at
          WHERE NOT EXISTS (SELECT 1 FROM record_events e
                            WHERE e.record_id = NEW.record_id AND e.type = 'alert-acknowledged')
          ON CONFLICT DO NOTHING;
      END;
      CREATE TRIGGER record_schedule_alert_linked AFTER UPDATE OF record_id ON outbox
        WHEN NEW.kind = 'safeguarding-alert' AND NEW.record_id IS NOT NULL AND OLD.record_id IS NULL
      BEGIN
        INSERT INTO record_schedule (record_id, kind, alert_id, due_at)
          SELECT NEW.record_id, 'escalation', NEW.id, NEW.created_at
          WHERE NOT EXISTS (SELECT 1 FROM record_events e
                            WHERE e.record_id = NEW.record_id AND e.type = 'alert-acknowledged')
          ON CONFLICT DO NOTHING;
      END;
      -- events that end the work, or may start it again (an indication changes whether a referral is
      -- awaited): reminder-sent and alert-escalated are the scheduler's own, which sets the next time
      CREATE TRIGGER record_schedule_event AFTER INSERT ON record_events
        WHEN NEW.type IN ('referral-received', 'alert-acknowledged', 'indication-given')
      BEGIN
        DELETE FROM record_schedule
          WHERE record_id = NEW.record_id AND kind = 'reminder' AND NEW.type = 'referral-received';
        DELETE FROM record_schedule
          WHERE record_id = NEW.record_id AND kind = 'escalation' AND NEW.type = 'alert-acknowledged';
        DELETE FROM record_schedule
          WHERE record_id = NEW.record_id AND kind = 'indication' AND NEW.type = 'indication-given';
        INSERT INTO record_schedule (record_id, kind, alert_id, due_at)
          SELECT d.id, 'reminder', '', NEW.at FROM duty_calls d
          WHERE NEW.type = 'indication-given' AND d.id = NEW.record_id AND d.kind = 'full'
            AND NOT EXISTS (SELECT 1 FROM record_events e
                            WHERE e.record_id = d.id AND e.type = 'referral-received')
          ON CONFLICT DO UPDATE SET due_at = MIN(due_at, excluded.due_at);
      END;

      -- Calls and alerts stored by an earlier build keep their reminders and escalations: each is looked
      -- at from its submission (alert: its raising), which sets its real next time on the first ticks.
      INSERT INTO record_schedule (record_id, kind, alert_id, due_at)
        SELECT d.id, 'reminder', '', d.submitted_at FROM duty_calls d
        WHERE d.kind = 'full' AND NOT EXISTS (
          SELECT 1 FROM record_events e WHERE e.record_id = d.id AND e.type = 'referral-received');
      INSERT INTO record_schedule (record_id, kind, alert_id, due_at)
        SELECT d.id, 'indication', '', d.submitted_at FROM duty_calls d
        WHERE NOT EXISTS (
          SELECT 1 FROM record_events e WHERE e.record_id = d.id AND e.type = 'indication-given');
      INSERT INTO record_schedule (record_id, kind, alert_id, due_at)
        SELECT o.record_id, 'escalation', o.id, o.created_at FROM outbox o
        WHERE o.kind = 'safeguarding-alert' AND o.record_id IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM record_events e WHERE e.record_id = o.record_id AND e.type = 'alert-acknowledged');

      -- The worker's alert lane asks about once a second whether an alert's "not delivered" notices were
      -- queued (payload alertId): by index, not by reading every such row.
      -- (kind leads so the planner prefers it to outbox_kind_status inside the alert lane's NOT EXISTS)
      CREATE INDEX outbox_alert_undelivered ON outbox (kind, json_extract(payload_json, '$.alertId'))
        WHERE kind = 'alert-undelivered';
      -- safeguarding alerts by status and age (undelivered, overdue, oldest pending), whatever the history
      CREATE INDEX outbox_kind_status ON outbox (kind, status, created_at);
    `,
  },
  {
    version: 7,
    sql: `
      -- A record's deliveries by index, whatever the history (issue 10): a card action and the card it
      -- refreshes (Outbox.forRecord), and retention deleting a record's deliveries. The foreign keys'
      -- own look-ups need them too: deleting a record looks for outbox rows naming it, and a delivery
      -- for rows waiting on it (after_id), which without these read the whole outbox each time.
      CREATE INDEX outbox_record ON outbox (record_id, created_at);
      CREATE INDEX outbox_after ON outbox (after_id);
    `,
  },
  {
    version: 8,
    sql: `
      -- Every call reference ever issued, so that none is issued twice (src/records/call-references.ts).
      -- Kept when a call is purged: a reference given again years later could still match a note.
      CREATE TABLE call_references (
        reference TEXT PRIMARY KEY,
        issued_at TEXT NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO call_references (reference, issued_at)
        SELECT json_extract(record_json, '$.reference'), submitted_at FROM duty_calls WHERE true
        ON CONFLICT DO NOTHING;
      INSERT INTO call_references (reference, issued_at)
        SELECT reference, raised_at FROM draft_alerts WHERE true
        ON CONFLICT DO NOTHING;
    `,
  },
  {
    version: 9,
    sql: `
      -- The worker's queue, oldest first (issue 10): waiting posts in the order they are made, with when
      -- each is due and its kind in the index itself. A pass reads its batch in order and stops there;
      -- by outbox_due it read every due post and sorted them all, rows and payloads, to keep the first
      -- 500 (17 ms a pass with 5,000 summaries held by Teams' rate limits). Posts not yet due (retries
      -- during an outage) are passed over inside the index, without reading their rows.
      CREATE INDEX outbox_pending_queue ON outbox (created_at, next_attempt_at, kind)
        WHERE status = 'pending';
    `,
  },
  {
    version: 10,
    sql: `
      -- The worker's queue by target (issue 10): a pass that finds a channel held by Teams' rate limits
      -- reads the other targets' posts from here, instead of walking that channel's whole backlog in
      -- outbox_pending_queue to pass it over (every pass: 3.7 ms with 2,000 summaries held and their
      -- referrer confirmations waiting on them). Posts waiting on another post (WAITING_ON_ANOTHER in
      -- outbox.ts) are left out: a confirmation becomes due, and enters it, when its summary is made.
      CREATE INDEX outbox_pending_target ON outbox (target_json, created_at, next_attempt_at, kind)
        WHERE status = 'pending' AND next_attempt_at <> '9999-12-31T23:59:59.999Z';
    `,
  },
  {
    version: 11,
    sql: `
      -- Several instances on one database (issue 11): a delivery worker claims a post before it makes
      -- it, for a lease it renews while the post is under way. Another instance passes over a post
      -- claimed by a live lease, and takes it over (as interrupted, if it was in flight) once the lease
      -- has run out: its holder stopped or died. The claim goes with the post's outcome.
      ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
      ALTER TABLE outbox ADD COLUMN claimed_until TEXT;
      CREATE INDEX outbox_claimed ON outbox (claimed_by) WHERE claimed_by IS NOT NULL;

      -- Teams' rate limits across every instance together (issue 11): each post made, by bucket (a
      -- conversation, the tenant), in wall-clock ms; kept for the longest window (an hour), then swept.
      -- A 429's Retry-After holds a bucket for everyone.
      CREATE TABLE post_stamps (
        id INTEGER PRIMARY KEY,
        bucket TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX post_stamps_bucket ON post_stamps (bucket, at);
      CREATE INDEX post_stamps_at ON post_stamps (at);
      CREATE TABLE post_holds (
        bucket TEXT PRIMARY KEY,
        until INTEGER NOT NULL
      );
      CREATE INDEX post_holds_until ON post_holds (until);
    `,
  },
];
