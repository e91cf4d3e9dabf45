/** Everything a domain needs to build pages, from one import. See docs/pages.md. */
export { langOf, translator, type Lang, type Messages, type Translate } from './i18n.js';
export { CsrfInput, ErrorBox, Layout, Notice, Table, navFor, pageT, renderPage, type LayoutProps } from './layout.js';
export { PageError, renderErrorPage, requireStaffPage, wantsHtml } from './errors.js';
export { staffOf, csrfOf, type PageContext, type StaffActor } from './session.js';
export { safeLocalPath } from './sign-in.js';
