/** HTML pages: the auto-POST form, the login form and error pages. Everything reflected is HTML-escaped. */
import { escapeHtml } from './codec';

function page(title: string, body: string): string {
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n` +
    `<body>\n${body}\n</body></html>\n`
  );
}

export interface AutoPostField {
  name: string;
  value: string;
  /** Only for the relaystate-unescaped fault. */
  raw?: boolean;
}

/**
 * [BIND] §3.5.4 / DT-REQ-08: one form that auto-posts to the ACS, hidden inputs only, one auto-submit
 * script, nothing interactive.
 */
export function autoPostPage(action: string, fields: AutoPostField[]): string {
  const inputs = fields
    .map(
      (f) =>
        `<input type="hidden" name="${escapeHtml(f.name)}" value="${f.raw ? f.value : escapeHtml(f.value)}">`,
    )
    .join('\n');
  return page(
    'Continue',
    `<form method="post" action="${escapeHtml(action)}">\n${inputs}\n</form>\n` +
      `<script>document.forms[0].submit();</script>`,
  );
}

export function loginPage(o: {
  action: string;
  state: string;
  tenant: string;
  username?: string;
  error?: string;
}): string {
  return page(
    `Sign in (${o.tenant})`,
    `<h1>Sign in</h1>\n` +
      (o.error ? `<p class="error" role="alert">${escapeHtml(o.error)}</p>\n` : '') +
      `<form method="post" action="${escapeHtml(o.action)}">\n` +
      `<input type="hidden" name="state" value="${escapeHtml(o.state)}">\n` +
      `<label>Username <input type="text" name="username" autocomplete="username" value="${escapeHtml(o.username ?? '')}"></label>\n` +
      `<label>Password <input type="password" name="password" autocomplete="current-password"></label>\n` +
      `<button type="submit">Sign in</button>\n</form>`,
  );
}

export function errorPage(status: number, message: string): string {
  return page(`Error ${status}`, `<h1>Request refused</h1>\n<p>${escapeHtml(message)}</p>`);
}
