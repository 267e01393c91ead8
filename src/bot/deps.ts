import type { ServiceProfile } from '../domain/checklist';
import type { Logger } from '../logger';
import type { Submissions } from '../records/submissions';
import type { DutyCallRecords } from '../storage/duty-call-records';
import type { DraftStore } from './draft-store';

/** What the Teams layer needs from the outside world; tests pass a clock of their own. */
export interface BotDeps {
  readonly profile: ServiceProfile;
  readonly drafts: DraftStore;
  readonly records: DutyCallRecords;
  readonly submissions: Submissions;
  /** Tells the delivery worker there is something new to send. */
  readonly wakeDelivery: () => void;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly newReference: () => string;
}
