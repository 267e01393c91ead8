import type { ServiceProfile } from '../domain/checklist';
import type { Logger } from '../logger';
import type { DutyCallRecords } from '../storage/duty-call-records';
import type { DraftStore } from './draft-store';

/** What the Teams layer needs from the outside world; tests pass a clock of their own. */
export interface BotDeps {
  readonly profile: ServiceProfile;
  readonly drafts: DraftStore;
  readonly records: DutyCallRecords;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly newReference: () => string;
}
