/**
 * The public receipt check, GET /verify. A taxpayer (or anyone) enters the leaf index and leaf
 * hash of a receipt; the server checks it against the latest signed checkpoint and renders its
 * verdict (works without JavaScript), and /assets/verify.js repeats the check in the browser
 * from the public proof endpoints, so the verdict does not rest on the server's word alone.
 */
import type { PageContext } from './layout.js';
import { ErrorBox, Layout, Notice, pageT, renderPage } from './layout.js';
import type { Messages } from './i18n.js';
import { ApiError, type FieldError } from '../core/errors.js';
import { verifyReceipt, type ReceiptVerdict } from '../audit/service.js';

export { verifyScript } from './verify-script.js';

export const verifyMessages: Messages = {
  'verify.title': { 'zh-CN': '核验审计回执', en: 'Verify an audit receipt' },
  'verify.intro': {
    'zh-CN': '每一次提交都记录在一份防篡改的审计日志中。回执上的序号和哈希可以证明您的记录仍在日志中、且未被修改。',
    en: 'Every submission is recorded in a tamper-evident audit log. The index and hash on your receipt prove that your record is still in the log, unchanged.',
  },
  'verify.index': { 'zh-CN': '回执序号', en: 'Receipt index' },
  'verify.indexHint': { 'zh-CN': '回执上的数字（从 0 开始）', en: 'The number on the receipt (counted from 0)' },
  'verify.hash': { 'zh-CN': '回执哈希', en: 'Receipt hash' },
  'verify.hashHint': { 'zh-CN': '64 位十六进制字符', en: '64 hexadecimal characters' },
  'verify.submit': { 'zh-CN': '核验', en: 'Verify' },
  'verify.serverOk': {
    'zh-CN': '服务器核验：该记录在已签名的日志检查点（共 {size} 条）中，未被修改。',
    en: 'Server check: this record is in the signed log checkpoint of {size} entries, unchanged.',
  },
  'verify.serverBad': { 'zh-CN': '服务器核验未通过：', en: 'Server check failed: ' },
  'verify.invalid': { 'zh-CN': '未能核验：请更正下面列出的字段。', en: 'Not checked: please correct the fields listed below.' },
  'verify.indexInvalid': {
    'zh-CN': '请填写回执上的序号：一个从 0 开始的整数。',
    en: 'Enter the index on the receipt: a whole number counted from 0.',
  },
  'verify.hashInvalid': {
    'zh-CN': '回执哈希应为 64 位十六进制字符（0–9、a–f），空格和换行会被忽略；您填写的有 {n} 位。',
    en: 'The receipt hash is 64 hexadecimal characters (0–9, a–f); spaces and line breaks are ignored. You entered {n}.',
  },
  'verify.beyondLog': {
    'zh-CN': '日志目前共 {size} 条，序号 {index} 不在其中。请核对回执上的序号（从 0 开始）。',
    en: 'The log has {size} entries now; index {index} is not among them. Check the index on the receipt (counted from 0).',
  },
  'verify.mismatch': {
    'zh-CN': '已签名的日志（共 {size} 条）中，序号 {index} 处的记录与此哈希不符：回执抄写有误，或记录已被改动。',
    en: 'In the signed log of {size} entries, the entry at index {index} does not match this hash: the receipt was copied wrongly, or the entry was changed.',
  },
  'verify.browser': { 'zh-CN': '浏览器核验', en: 'Browser check' },
  'verify.noScript': {
    'zh-CN': '启用 JavaScript 后，浏览器会独立重新计算证明。',
    en: 'With JavaScript on, your browser recomputes the proof independently.',
  },
  'verify.checkpoint': { 'zh-CN': '检查点（C2SP 签名文本）', en: 'Checkpoint (C2SP signed text)' },
  'verify.path': { 'zh-CN': '包含证明（RFC 9162）', en: 'Inclusion proof (RFC 9162)' },
  'verify.witnesses': { 'zh-CN': '见证方', en: 'Witnesses' },
  'verify.witnessesIntro': {
    'zh-CN': '见证方是运营方以外的机构：每收到一个检查点，先核对它延续了自己此前见过的日志，再加签。已见证到此回执的见证方，可以证明此回执之前的历史没有被改写。',
    en: 'Witnesses are parties outside the operator: each checks that a checkpoint extends the log it saw before, then cosigns it. A witness that has seen the log up to this receipt can show that the history before it was not rewritten.',
  },
  'verify.witnessHolds': {
    'zh-CN': '{witness}：已见证共 {size} 条的日志（{time}），包含此回执。',
    en: '{witness}: has seen the log up to {size} entries ({time}), including this receipt.',
  },
  'verify.witnessBehind': {
    'zh-CN': '{witness}：已见证共 {size} 条的日志（{time}），尚未包含此回执。',
    en: '{witness}: has seen the log up to {size} entries ({time}), not yet this receipt.',
  },
  'verify.witnessNone': { 'zh-CN': '{witness}：尚未加签。', en: '{witness}: has not cosigned yet.' },
  'verify.noWitnesses': { 'zh-CN': '本日志未配置见证方。', en: 'No witnesses are configured for this log.' },
  'js.checking': { 'zh-CN': '正在浏览器中核验……', en: 'Checking in your browser…' },
  'js.included': {
    'zh-CN': '浏览器核验：证明成立，记录在共 {size} 条的签名树中（根 {root}）。',
    en: 'Browser check: the proof holds; the record is in the signed tree of {size} entries (root {root}).',
  },
  'js.notIncluded': {
    'zh-CN': '浏览器核验：证明不成立，该记录不在共 {size} 条的签名树中。',
    en: 'Browser check: the proof fails; this record is not in the signed tree of {size} entries.',
  },
  'js.signatureOk': { 'zh-CN': '检查点签名（Ed25519）有效。', en: 'The checkpoint signature (Ed25519) is valid.' },
  'js.signatureUnchecked': {
    'zh-CN': '此浏览器不支持 Ed25519，签名未在浏览器中核验。',
    en: 'This browser has no Ed25519, so the signature was not checked here.',
  },
  'js.badSignature': { 'zh-CN': '检查点签名无效！', en: 'The checkpoint signature is not valid!' },
  'js.noCrypto': { 'zh-CN': '此浏览器无法进行核验（需要 WebCrypto）。', en: 'This browser cannot check (WebCrypto is needed).' },
  'js.failed': { 'zh-CN': '浏览器核验出错：', en: 'The browser check failed:' },
};

/** GET /verify[?index=&hash=] */
export async function verifyPage(c: PageContext) {
  const { lang, t } = pageT(c, verifyMessages);
  // A receipt copied from a phone wraps its hash: spaces and line breaks anywhere are dropped.
  const indexText = (c.req.query('index') ?? '').replace(/\s+/g, '');
  const hashText = (c.req.query('hash') ?? '').replace(/\s+/g, '').toLowerCase();
  let verdict: ReceiptVerdict | undefined;
  let error: unknown;
  const invalid = { index: false, hash: false };
  if (indexText || hashText) {
    const fields: FieldError[] = [];
    if (!/^(0|[1-9][0-9]{0,15})$/.test(indexText)) fields.push({ path: t('verify.index'), message: t('verify.indexInvalid') });
    if (!/^[0-9a-f]{64}$/.test(hashText)) fields.push({ path: t('verify.hash'), message: t('verify.hashInvalid', { n: hashText.length }) });
    invalid.index = fields.some((f) => f.path === t('verify.index'));
    invalid.hash = fields.some((f) => f.path === t('verify.hash'));
    if (fields.length > 0) {
      error = new ApiError(400, 'validation_failed', t('verify.invalid'), fields);
    } else {
      try {
        verdict = await verifyReceipt({ ctx: c.get('ctx'), input: { index: Number(indexText), hash: hashText } });
      } catch (err) {
        if (!(err instanceof ApiError) || err.status >= 500) throw err;
        error = err;
      }
    }
  }
  const jsMessages = Object.fromEntries(
    ['checking', 'included', 'notIncluded', 'signatureOk', 'signatureUnchecked', 'badSignature', 'noCrypto', 'failed'].map((k) => [k, t(`js.${k}`)]),
  );
  return renderPage(
    c,
    <Layout c={c} title={t('verify.title')} lang={lang}>
      <h1>{t('verify.title')}</h1>
      <p>{t('verify.intro')}</p>
      <ErrorBox error={error} lang={lang} title={error ? t('verify.invalid') : undefined} />
      <form method="get" action="/verify">
        <label for="receipt-index">
          {t('verify.index')} <span class="hint">{t('verify.indexHint')}</span>
        </label>
        <input id="receipt-index" name="index" type="text" inputmode="numeric" autocomplete="off" required value={indexText} aria-invalid={invalid.index ? 'true' : undefined} />
        <label for="receipt-hash">
          {t('verify.hash')} <span class="hint">{t('verify.hashHint')}</span>
        </label>
        {/* One line (the browser drops pasted line breaks) and no pattern: the spaces of a wrapped receipt are
            dropped on the server, and a wrong hash gets the page's own reason, not the browser's. */}
        <input id="receipt-hash" name="hash" type="text" autocomplete="off" spellcheck={false} required value={hashText} aria-invalid={invalid.hash ? 'true' : undefined} />
        {lang === 'en' && <input type="hidden" name="lang" value="en" />}
        <button type="submit">{t('verify.submit')}</button>
      </form>
      {verdict && (
        <section id="receipt-check" aria-live="polite" data-index={String(verdict.index)} data-hash={verdict.leafHash} data-messages={JSON.stringify(jsMessages)}>
          {verdict.included ? (
            <Notice kind="ok">
              <span data-server-result="included">{t('verify.serverOk', { size: verdict.checkpoint.size })}</span>
            </Notice>
          ) : (
            <Notice kind="error">
              <span data-server-result="not-included">
                {t('verify.serverBad')}
                {verdict.index >= verdict.checkpoint.size
                  ? t('verify.beyondLog', { size: verdict.checkpoint.size, index: verdict.index })
                  : t('verify.mismatch', { size: verdict.checkpoint.size, index: verdict.index })}
              </span>
            </Notice>
          )}
          <h2>{t('verify.witnesses')}</h2>
          <p>{t('verify.witnessesIntro')}</p>
          {verdict.witnesses.length === 0 ? (
            <p class="muted">{t('verify.noWitnesses')}</p>
          ) : (
            <ul id="receipt-witnesses">
              {verdict.witnesses.map((w) => (
                <li data-witness={w.witness} data-holds-receipt={String(w.holdsReceipt)}>
                  {w.size === 0
                    ? t('verify.witnessNone', { witness: w.witness })
                    : t(w.holdsReceipt ? 'verify.witnessHolds' : 'verify.witnessBehind', { witness: w.witness, size: w.size, time: w.time ?? '' })}
                </li>
              ))}
            </ul>
          )}
          <h2>{t('verify.browser')}</h2>
          <noscript>
            <p class="muted">{t('verify.noScript')}</p>
          </noscript>
          <div id="browser-verdict" class="notice" role="status" style="overflow-wrap:anywhere" hidden></div>
          <h2>{t('verify.checkpoint')}</h2>
          <pre class="secret" style="white-space:pre-wrap">{verdict.checkpoint.checkpoint}</pre>
          {verdict.path.length > 0 && (
            <>
              <h2>{t('verify.path')}</h2>
              <ol style="overflow-wrap:anywhere">
                {verdict.path.map((p) => (
                  <li>
                    <code>{p}</code>
                  </li>
                ))}
              </ol>
            </>
          )}
          <script src="/assets/verify.js" defer></script>
        </section>
      )}
    </Layout>,
    verdict || !error ? 200 : 400,
  );
}
