/** How big a generated bureau is. One generator, three sizes: the demo, the CI bench, the province. */
export interface BureauSize {
  label: string;
  units: number;
  peerGroups: readonly string[];
  officers: number;
  taxpayers: number;
  /** Complete quarters with workload records, ending at the last complete quarter. */
  workloadQuarters: number;
  /** Feedback responses over the data window (the 4 quarters before "today" plus today's quarter). */
  responses: number;
  decisions: number;
  /** Bench only: audit leaves written by the loader. */
  audit: number;
  /** Bench only: rows in the CSV import scenario. */
  importRows: number;
  /**
   * Demo: the data window reaches back to the first quarter of the latest calendar year whose four
   * quarters are all before the last complete one, so that year is graded, published and
   * reviewed (年度考核); responses and decisions grow with the window, keeping their density.
   */
  fullYear?: boolean;
}

export const demoSize: BureauSize = {
  label: 'demo',
  units: 5,
  // Unit i gets peerGroups[i % length]: two urban districts, two counties, one development zone.
  peerGroups: ['urban', 'county', 'development_zone', 'urban', 'county'],
  officers: 200,
  taxpayers: 4000,
  // Every complete quarter of the window (up to eight with fullYear).
  workloadQuarters: 8,
  responses: 2400,
  decisions: 1200,
  audit: 0,
  importRows: 0,
  fullYear: true,
};

export const quickSize: BureauSize = {
  label: 'quick',
  units: 8,
  peerGroups: ['urban', 'suburban', 'county', 'development_zone'],
  officers: 200,
  taxpayers: 10_000,
  workloadQuarters: 4,
  responses: 20_000,
  decisions: 20_000,
  audit: 20_000,
  importRows: 2_000,
};

export const provinceSize: BureauSize = {
  label: 'province',
  units: 100,
  peerGroups: ['urban', 'suburban', 'county', 'development_zone'],
  officers: 10_000,
  taxpayers: 500_000,
  workloadQuarters: 4,
  responses: 1_000_000,
  decisions: 1_000_000,
  audit: 1_000_000,
  importRows: 100_000,
};
