import type { CallKind, SectionDef, SectionId, ServiceProfile } from './checklist';
import { checklist } from './checklist';

/**
 * The cards a call is walked through (issue 9: at most 8 before the review). A page holds one or more
 * sections, or part of one (the baby's stage is asked on the first card so every later card asks only
 * what applies to a born baby or a pregnancy). Answers stay recorded per section: the rules, the
 * summary and the referral do not know how the questions were laid out.
 */
export type PageId =
  | 'referrer'
  | 'family'
  | 'relationship'
  | 'services'
  | 'risk'
  | 'pickUpThePhone'
  | 'referral'
  | 'advice';

export interface PagePart {
  readonly section: SectionId;
  /** Only these fields of the section are on this page. */
  readonly only?: readonly string[];
  /** All the section's fields but these are on this page. */
  readonly except?: readonly string[];
}

export interface PageDef {
  readonly id: PageId;
  readonly title: string;
  readonly parts: readonly PagePart[];
}

const FULL: readonly PageDef[] = [
  {
    id: 'referrer',
    title: 'About you and this call',
    parts: [{ section: 'referrer' }, { section: 'family', only: ['stage'] }],
  },
  {
    id: 'family',
    title: 'The infant and family',
    parts: [{ section: 'family', except: ['stage'] }, { section: 'consent' }],
  },
  {
    id: 'relationship',
    title: 'Key points 1 to 4: the relationship, the infant and the parent',
    parts: [
      { section: 'relationship' },
      { section: 'infant' },
      { section: 'availability' },
      { section: 'context' },
    ],
  },
  {
    id: 'services',
    title: 'Key points 5 and 6: the services around the family',
    parts: [{ section: 'services' }, { section: 'universal' }],
  },
  { id: 'risk', title: 'Brief risk screening', parts: [{ section: 'risk' }] },
  { id: 'pickUpThePhone', title: 'Pick up the phone', parts: [{ section: 'pickUpThePhone' }] },
  { id: 'referral', title: 'Your referral, in your own words', parts: [{ section: 'referral' }] },
];

const ADVICE: readonly PageDef[] = [
  { id: 'referrer', title: 'About you', parts: [{ section: 'referrer' }] },
  { id: 'advice', title: 'Your question', parts: [{ section: 'advice' }] },
  { id: 'risk', title: 'Brief risk screening', parts: [{ section: 'risk' }] },
  { id: 'pickUpThePhone', title: 'Pick up the phone', parts: [{ section: 'pickUpThePhone' }] },
];

export function pagesOf(kind: CallKind): readonly PageDef[] {
  return kind === 'advice' ? ADVICE : FULL;
}

/** Whether a field of a section is asked on a page (before asking whether it applies to this call). */
export function onPart(part: PagePart, fieldId: string): boolean {
  if (part.only) return part.only.includes(fieldId);
  if (part.except) return !part.except.includes(fieldId);
  return true;
}

/** The page that asks a section's questions (its first, for a section split across pages). */
export function pageOfSection(kind: CallKind, section: string): PageDef | undefined {
  return (
    pagesOf(kind).find((p) => p.parts.some((part) => part.section === section && !part.only)) ??
    pagesOf(kind).find((p) => p.parts.some((part) => part.section === section))
  );
}

/** The page that asks one field of a section. */
export function pageOfField(kind: CallKind, section: string, field: string): PageDef | undefined {
  return pagesOf(kind).find((p) => p.parts.some((part) => part.section === section && onPart(part, field)));
}

/** The pages a section is asked on. */
export function pagesOfSection(kind: CallKind, section: SectionId): PageDef[] {
  return pagesOf(kind).filter((p) => p.parts.some((part) => part.section === section));
}

/** A page's parts with their section definitions. */
export function partsOf(page: PageDef, kind: CallKind, profile: ServiceProfile): readonly PageSection[] {
  // the same for a page, kind and service profile, and asked several times on every card turn (issue 10)
  let byProfile = PARTS.get(page);
  if (!byProfile) {
    byProfile = new WeakMap();
    PARTS.set(page, byProfile);
  }
  let byKind = byProfile.get(profile);
  if (!byKind) {
    byKind = {};
    byProfile.set(profile, byKind);
  }
  const known = byKind[kind];
  if (known) return known;
  const sections = checklist(kind, profile);
  const parts = page.parts.flatMap((part) => {
    const section = sections.find((s) => s.id === part.section);
    return section ? [{ part, section }] : [];
  });
  byKind[kind] = parts;
  return parts;
}

/** A part of a page with its section's definition. */
export interface PageSection {
  readonly part: PagePart;
  readonly section: SectionDef;
}

const PARTS = new WeakMap<
  PageDef,
  WeakMap<ServiceProfile, Partial<Record<CallKind, readonly PageSection[]>>>
>();

/** A card input's id: the section and field, so two sections' "details" on one card stay apart. */
export function inputId(section: SectionId, field: string): string {
  return `${section}.${field}`;
}

/** The card inputs of one section, by field id. */
export function sectionInputs(
  raw: Readonly<Record<string, unknown>>,
  section: SectionId,
): Record<string, unknown> {
  const prefix = `${section}.`;
  const out: Record<string, unknown> = {};
  for (const k in raw) {
    if (Object.hasOwn(raw, k) && k.startsWith(prefix)) out[k.slice(prefix.length)] = raw[k];
  }
  return out;
}
