/**
 * The top of /me: what waits for the officer: the panels to vote on (/me/reviews) and the flags
 * they may still answer (/me/flags/:id), with counts and the due dates (waitingForOfficer).
 */
import type { Translate } from '../pages/i18n.js';
import { enc, when } from '../pages/page-helpers.js';
import type { waitingForOfficer } from './queries.js';

type Waiting = Awaited<ReturnType<typeof waitingForOfficer>>;

export function WaitingSection(props: { t: Translate; ruleLabel: (rule: string) => string; waiting: Waiting }) {
  const { t, waiting } = props;
  return (
    <section id="waiting" aria-labelledby="waiting-title" class="result" data-testid="officer-inbox" data-total={waiting.total}>
      <h2 id="waiting-title">{t('waiting.title', { n: waiting.total })}</h2>
      {waiting.total === 0 ? (
        <p>{t('waiting.none')}</p>
      ) : (
        <ul>
          {waiting.panels.length > 0 && (
            <li data-testid="waiting-panels" data-count={waiting.panels.length}>
              <a href="/me/reviews">{t('waiting.panels', { n: waiting.panels.length })}</a>
              {' · '}
              {t('waiting.firstDue', { at: when(waiting.panels[0]!.dueAt) })}
            </li>
          )}
          {waiting.flags.length > 0 && (
            <li data-testid="waiting-flags" data-count={waiting.flags.length}>
              {t('waiting.flags', { n: waiting.flags.length })}
              <ul>
                {waiting.flags.map((f) => (
                  <li data-testid="waiting-flag" data-id={f.id}>
                    <a href={`/me/flags/${enc(f.id)}`}>{props.ruleLabel(f.rule)}</a>
                    {' · '}
                    {t('waiting.answerBy', { at: when(f.answerDueAt) })}
                  </li>
                ))}
              </ul>
            </li>
          )}
        </ul>
      )}
    </section>
  );
}
