/**
 * Every catalogue of the service, for tests that look at what a person reads: the English side
 * of each entry is what a zh-CN page must never show.
 */
import type { Messages } from '../../src/core/lang.js';
import { glossaryMessages } from '../../src/core/glossary.js';
import { problemMessages } from '../../src/core/problem-messages.js';
import { messages as shellMessages } from '../../src/pages/messages.js';
import { verifyMessages } from '../../src/pages/verify.js';
import { complaintMessages } from '../../src/complaints/messages.js';
import { decisionsMessages } from '../../src/decisions/messages.js';
import { deliveryMessages } from '../../src/delivery/messages.js';
import { messages as feedbackMessages } from '../../src/feedback/messages.js';
import { flagsMessages } from '../../src/flags/messages.js';
import { gradingMessages } from '../../src/grading/messages.js';
import { importMessages } from '../../src/imports/messages.js';
import { officerMessages } from '../../src/officer/messages.js';
import { publicMessages } from '../../src/public-summary/messages.js';
import { spotCheckMessages } from '../../src/spot-checks/messages.js';

export const catalogues: Record<string, Messages> = {
  glossary: glossaryMessages,
  problems: problemMessages,
  shell: shellMessages,
  verify: verifyMessages,
  complaints: complaintMessages,
  decisions: decisionsMessages,
  delivery: deliveryMessages,
  feedback: feedbackMessages,
  flags: flagsMessages,
  grading: gradingMessages,
  imports: importMessages,
  officer: officerMessages,
  publicSummary: publicMessages,
  spotChecks: spotCheckMessages,
};

/**
 * The English sentences of every catalogue, cut at their placeholders: each piece of at least
 * three words and 14 characters whose text the Chinese side does not share (`CSV UTF-8` may be
 * in both).
 */
export function englishSentences(): string[] {
  const out = new Set<string>();
  for (const catalogue of Object.values(catalogues)) {
    for (const entry of Object.values(catalogue)) {
      if (entry.en === entry['zh-CN']) continue;
      for (const piece of entry.en.split(/\{\w+\}/)) {
        const s = piece.trim();
        if (s.length >= 14 && s.split(/\s+/).length >= 3 && /[a-z]/.test(s) && !entry['zh-CN'].includes(s)) out.add(s);
      }
    }
  }
  return [...out].sort();
}
