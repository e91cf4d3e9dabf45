/**
 * Decision types (DESIGN section 2) and what each requires. Versioned with the code: changing a
 * type's requirements is a reviewed change here, not a setting.
 */
export const decisionTypes = ['assessed_turnover', 'penalty_waiver', 'tax_relief', 'deferral', 'invoice_quota', 'grade_adjustment'] as const;
export type DecisionType = (typeof decisionTypes)[number];

export interface DecisionTypeRule {
  /** Recorded through POST /api/v1/decisions. grade_adjustment is not: the grading adjustment approval writes it, tied to its adjustment. */
  recordable: boolean;
  /** Needs a collective review panel (集体审议): the sole-decider and no-quorum rules watch it. */
  collectiveReview: boolean;
  /** Favourable to the taxpayer (waivers, reliefs): counted by the peer-outlier rule. */
  favourable: boolean;
  amount: 'required' | 'optional' | 'none';
  /** A penalty waiver names the violation type: 首违不罚 applies once per taxpayer and type. */
  violationTypeRequired: boolean;
}

export const decisionPolicy = {
  version: 'decisions-v1',
  types: {
    assessed_turnover: { recordable: true, collectiveReview: true, favourable: false, amount: 'required', violationTypeRequired: false },
    penalty_waiver: { recordable: true, collectiveReview: false, favourable: true, amount: 'optional', violationTypeRequired: true },
    tax_relief: { recordable: true, collectiveReview: true, favourable: true, amount: 'required', violationTypeRequired: false },
    deferral: { recordable: true, collectiveReview: false, favourable: false, amount: 'optional', violationTypeRequired: false },
    invoice_quota: { recordable: true, collectiveReview: false, favourable: false, amount: 'required', violationTypeRequired: false },
    grade_adjustment: { recordable: false, collectiveReview: false, favourable: false, amount: 'none', violationTypeRequired: false },
  } satisfies Record<DecisionType, DecisionTypeRule>,
} as const;

export const recordableTypes = decisionTypes.filter((t) => decisionPolicy.types[t].recordable) as [DecisionType, ...DecisionType[]];
export const collectiveReviewTypes = decisionTypes.filter((t) => decisionPolicy.types[t].collectiveReview);
export const favourableTypes = decisionTypes.filter((t) => decisionPolicy.types[t].favourable);

/**
 * Collective review (DESIGN section 4, "Collective review"): how big a panel the service draws,
 * how many of its members must vote, and how long they have. Versioned with the code, like the
 * types above.
 */
export const reviewPolicy = {
  version: 'review-v1',
  /** Members drawn for a panel. */
  panelSize: 3,
  /** Share of the drawn panel that must vote before the review closes (2 of 3). */
  quorumShare: 2 / 3,
  /** Days from recording after which a review without quorum lapses. */
  lapseDays: 14,
} as const;

/** Votes that close a review of `panelSize` members: ceil(share x size), at least 1. */
export function quorumOf(panelSize: number, share: number = reviewPolicy.quorumShare): number {
  // A hair of tolerance so 2/3 of 3 is exactly 2 despite binary floating point.
  return Math.max(1, Math.ceil(share * panelSize - 1e-9));
}
