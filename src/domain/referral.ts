import { formatUkDate } from './age';
import { referrerRole, text } from './answers';
import type { ServiceProfile } from './checklist';
import { block, type Doc } from './document';
import type { SubmittedCall } from './submitted-call';
import { infantFacts } from './summary';

const CONSENT = {
  yes: 'Yes: the family agree to be contacted by the IMH service.',
  no: 'No: the family do not agree to be contacted.',
  'not-asked': 'Not yet asked: consent to be contacted must be obtained and included.',
} as Record<string, string>;

/**
 * The formal written referral drafted from a full duty call: seed 001's demographic information and
 * consent, and the reason for referral exactly as the referrer wrote it.
 */
export function referralDoc(call: SubmittedCall, profile: ServiceProfile): Doc | null {
  if (call.kind !== 'full') return null;
  const a = call.answers;
  const role = referrerRole(a);
  return {
    title: `Draft referral to ${profile.serviceName}`,
    subtitle: `Following the duty call on ${formatUkDate(call.callDate)}, reference ${call.reference}`,
    blocks: [
      block('Referrer', {
        facts: [
          { label: 'Name', value: text(a, 'referrer', 'name') },
          { label: 'Role', value: role },
          { label: 'Organisation', value: text(a, 'referrer', 'organisation') },
          { label: 'Telephone', value: text(a, 'referrer', 'phone') },
          { label: 'Email', value: text(a, 'referrer', 'email') },
        ],
      }),
      block('Infant, family and professionals', {
        facts: infantFacts(call),
        paragraphs: [
          {
            label: 'Other professionals and agencies involved',
            // asked once, with the services (issue 9); calls before that asked it with the family
            text: text(a, 'family', 'otherProfessionals') || text(a, 'services', 'involvement'),
          },
        ],
      }),
      block('Reason for referral (in the referrer’s own words)', {
        paragraphs: [
          { label: 'Reason for referral', text: text(a, 'referral', 'reason') },
          { label: 'What the referrer and family hope for', text: text(a, 'referral', 'hopes') },
        ],
      }),
      block('Consent', {
        facts: [
          { label: 'Family consent to be contacted', value: CONSENT[text(a, 'consent', 'consent')] ?? '' },
        ],
        paragraphs: [{ label: 'Consent notes', text: text(a, 'consent', 'notes') }],
      }),
    ],
    footer:
      'Draft for the referrer to check and send as the formal written referral: the IMH service needs it in writing, in your words, after the duty call.',
  };
}
