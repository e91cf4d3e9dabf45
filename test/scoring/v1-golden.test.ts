import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gradeOfficers, policyV1 } from '../../scoring/index.js';
import { goldenInput, goldenSeeds } from './fixtures/golden-inputs.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const golden = JSON.parse(readFileSync(new URL('./fixtures/v1-golden.json', import.meta.url), 'utf8')) as {
  policyJson: string;
  runs: Record<string, { officers: number; full: string; figures: string }>;
};

describe('policy v1 reproduces stored runs bit for bit', () => {
  it('the v1 document is the one runs were stored with', () => {
    expect(sha(JSON.stringify(policyV1))).toBe(golden.policyJson);
  });

  it.each(goldenSeeds)('golden run %i gives the recorded bytes, with and without explanations', (seed) => {
    const input = goldenInput(seed);
    const want = golden.runs[seed]!;
    expect(input.officers.length).toBe(want.officers);
    expect(sha(JSON.stringify(gradeOfficers(policyV1, input)))).toBe(want.full);
    expect(sha(JSON.stringify(gradeOfficers(policyV1, input, { explain: false })))).toBe(want.figures);
  });
});
