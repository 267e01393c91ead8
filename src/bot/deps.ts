import type { RenderContext } from '../delivery/render';
import type { ServiceProfile } from '../domain/checklist';
import type { Logger } from '../logger';
import type { Audit } from '../records/audit';
import type { CallActions } from '../records/call-actions';
import type { CallViews } from '../records/call-view';
import type { ChannelRegistry } from '../records/channels';
import type { DraftAlerts } from '../records/draft-alerts';
import type { InstalledTeams } from '../records/installed-teams';
import type { OpenCall } from '../records/open-calls';
import type { Submissions } from '../records/submissions';
import type { SqlStore } from '../storage/sql';
import type { DraftStore } from './draft-store';
import type { TeamMembership } from './permissions';

/** What the Teams layer needs from the outside world; tests pass a clock of their own. */
export interface BotDeps {
  /** The SQL seam: what a handler reads and writes, each query one transaction (issue 11). */
  readonly sql: SqlStore;
  readonly profile: ServiceProfile;
  readonly drafts: DraftStore;
  readonly submissions: Submissions;
  /** Safeguarding alerts raised while a call is in progress (the risk section saved with possible harm). */
  readonly draftAlerts: DraftAlerts;
  /** Tells the delivery worker there is something new to send. */
  readonly wakeDelivery: () => void;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly newReference: () => Promise<string>;
  /** Where the bot posts (duty, safeguarding, admin), as set in Teams or configuration. */
  readonly channels: ChannelRegistry;
  readonly installedTeams: InstalledTeams;
  readonly calls: CallViews;
  readonly callActions: CallActions;
  readonly audit: Audit;
  readonly membership: TeamMembership;
  /** What the duty and alert cards are drawn from; the delivery worker renders with the same. */
  readonly render: RenderContext;
  /** Calls still waiting for an indication or a formal referral, for "@bot open". */
  readonly openCalls: (now: Date) => Promise<readonly OpenCall[]>;
  /** CHANNEL_ADMINS: the Entra object ids allowed to set the bot's channels. */
  readonly channelAdmins: readonly string[];
  /**
   * After a discard: removes the old versions of what was just deleted from the database's WAL, where
   * they would otherwise stay readable until a checkpoint truncates it.
   */
  readonly scrubDeleted: () => void;
  /** The retention settings, so what the bot says about deleting matches what it does. */
  readonly retention: {
    readonly draftDays: number;
    readonly profileDays: number;
    readonly recordYears: number;
  };
}
