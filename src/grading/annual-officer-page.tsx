/**
 * /hr/annual/:id/officers/:code: one officer's annual result (quarters with their weights, the
 * explanation, the effective grade) and their appeal with the form that decides it; and
 * /reports/annual/:id/:code, the printable annual report (HR any; the officer their own, once
 * published: getAnnualResult decides).
 */
import { Hono } from 'hono';
import { sayCodes } from '../core/glossary.js';
import type { AppEnv } from '../core/http.js';
import { ErrorBox, Layout, Notice, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import type { Lang, Translate } from '../pages/i18n.js';
import { Facts, enc, fmt, statusOf, str, type PageStatus } from '../pages/page-helpers.js';
import { annualGrades } from '../../scoring/index.js';
import { getAnnualResult } from './annual-read.js';
import { decideAnnualAppeal, listAnnualAppeals } from './annual-appeal.js';
import { annualAppealSubject } from './queries.js';
import { GradeCell } from './annual-pages.js';
import { AppealDecisions, appealDecisionPost, officerPageFlash, officerPageOf } from './appeal-section.js';
import { GradingStyle, tt } from './page-parts.js';

type Result = Awaited<ReturnType<typeof getAnnualResult>>;

/** The result's facts, its quarters and its explanation (the HR page and the report). */
export function AnnualSummary(props: { t: Translate; lang: Lang; r: Result }) {
  const { t, r } = props;
  const c = r.correctionDetail;
  return (
    <>
      <Facts
        testid="annual-facts"
        rows={[
          [t('col.status'), r.status === 'rated' ? t('status.graded') : t('ann.notRated')],
          [t('ann.col.score'), fmt(r.score)],
          [t('col.rank'), r.rank === null ? '–' : String(r.rank)],
          [t('ann.col.grade'), <GradeCell t={t} grade={r.grade} effective={r.effective} />],
          [t('ann.col.days'), String(r.activeDays)],
        ]}
      />
      <h2>{t('ann.quartersTitle')}</h2>
      <Table head={[t('ann.col.period'), t('col.composite'), t('ann.col.days'), t('col.tier'), t('ann.col.weight')]} numeric={[1, 2, 3, 4]}>
        {r.quarters.map((q) => (
          <tr data-period={q.period}>
            <td>{q.period}</td>
            <td class="num">{fmt(q.composite)}</td>
            <td class="num">{q.activeDays}</td>
            <td class="num">{q.tier}</td>
            <td class="num">{r.activeDays ? fmt(q.activeDays / r.activeDays, 3) : '–'}</td>
          </tr>
        ))}
      </Table>
      <h2>{t('officer.explanation')}</h2>
      <ul class="explanation">
        {r.explanation[props.lang].map((l) => (
          <li>{sayCodes(props.lang, l)}</li>
        ))}
        {c && c.correctedGrade && (
          <li data-testid="annual-correction-line">
            {t('ann.correctedLine', { appeal: c.id, from: r.grade ? t(`ann.grade.${r.grade}`) : '–', to: t(`ann.grade.${c.correctedGrade}`), reason: c.decisionReason ?? '' })}
          </li>
        )}
      </ul>
    </>
  );
}

async function officerPage(c: PageContext, id: string, code: string, opts: { error?: unknown; status?: PageStatus; refused?: { id?: string; reason?: string } } = {}) {
  requireStaffPage(c, 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const r = await getAnnualResult({ ctx, input: { id, officerCode: code } });
  const appeals = (await listAnnualAppeals({ ctx, input: { reviewId: id, limit: 1000 } })).items.filter((a) => a.officerCode === code);
  const title = t('ann.officerTitle', { name: r.name ?? code, code, year: r.year });
  const appealError = appeals.length > 0;
  return renderPage(
    c,
    <Layout c={c} title={title} lang={lang}>
      <GradingStyle />
      <p class="no-print">
        <a href={`/hr/annual/${enc(id)}`}>{t('ann.back')}</a> · <a href={`/reports/annual/${enc(id)}/${enc(code)}`}>{t('ann.report')}</a>
      </p>
      <h1>{title}</h1>
      {!appealError && <ErrorBox error={opts.error} lang={lang} />}
      <AnnualSummary t={t} lang={lang} r={r} />
      <AppealDecisions
        c={c}
        t={t}
        lang={lang}
        title={t('ann.appeals')}
        rule={t('ann.deciderRule')}
        items={appeals}
        action={(a) => `/hr/annual-appeals/${enc(a.id)}/decision`}
        corrected={(a) => (a.correctedGrade ? t(`ann.grade.${a.correctedGrade}`) : '')}
        field={{ name: 'correctedGrade', label: t('ann.correctedGrade'), options: annualGrades.map((g) => ({ value: g, label: t(`ann.grade.${g}`) })) }}
        error={appealError ? opts.error : undefined}
        refused={opts.refused}
      />
    </Layout>,
    opts.status ?? 200,
  );
}

async function reportPage(c: PageContext, id: string, code: string) {
  requireStaffPage(c, 'hr', 'officer', 'supervisor');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const r = await getAnnualResult({ ctx, input: { id, officerCode: code } });
  const title = `${t('ann.reportTitle')} · ${r.year}`;
  return renderPage(
    c,
    <Layout c={c} title={title} lang={lang}>
      <GradingStyle />
      <h1>{title}</h1>
      <p>
        <strong>{r.name ?? code}</strong> ({code}) · {ctx.config.bureauName}
      </p>
      {r.reviewStatus !== 'published' && <Notice kind="warn">{t('ann.unpublished')}</Notice>}
      <AnnualSummary t={t} lang={lang} r={r} />
    </Layout>,
  );
}

export const annualOfficerPages = new Hono<AppEnv>()
  .get('/hr/annual/:id/officers/:code', async (c) => officerPage(c, c.req.param('id'), c.req.param('code'), await officerPageFlash(c)))
  .get('/reports/annual/:id/:code', (c) => reportPage(c, c.req.param('id'), c.req.param('code')))
  .post('/hr/annual-appeals/:id/decision', (c) =>
    appealDecisionPost(
      c,
      async (ctx) => {
        const s = await annualAppealSubject(ctx, c.req.param('id'));
        return s && officerPageOf('/hr/annual', s.reviewId, s.officerCode);
      },
      (form) => decideAnnualAppeal({ ctx: c.get('ctx'), input: { id: c.req.param('id'), outcome: str(form, 'outcome'), reason: str(form, 'reason'), correctedGrade: str(form, 'correctedGrade') || undefined } }),
      async (err) => {
        const s = (await annualAppealSubject(c.get('ctx'), c.req.param('id')))!;
        return officerPage(c, s.reviewId, s.officerCode, { error: err, status: statusOf(err) });
      },
    ),
  );
