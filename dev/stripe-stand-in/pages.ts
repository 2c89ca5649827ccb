import { formatMoney } from '@/lib/product/billing/money';
import { escapeHtml } from '@/lib/platform/html';

/** The stand-in's hosted pages: plain HTML, clearly marked as test mode. */
type Obj = Record<string, unknown> & { id: string };

const money = (amount: unknown, currency: unknown) => formatMoney(Number(amount ?? 0), String(currency ?? 'usd'));

const date = (seconds: unknown) => new Date(Number(seconds) * 1000).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1f36;background:#f6f9fc}
.banner{background:#ffde92;color:#5a3e00;text-align:center;font-size:13px;font-weight:600;padding:6px;letter-spacing:.02em}
main{max-width:880px;margin:40px auto;padding:0 20px;display:grid;gap:32px;grid-template-columns:1fr 1fr}
@media(max-width:720px){main{grid-template-columns:1fr}}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:0 0 12px}.muted{color:#697386}.big{font-size:32px;font-weight:700;margin:8px 0}
.card{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:24px}
label{display:block;font-size:13px;font-weight:600;margin:14px 0 6px}input{width:100%;padding:10px 12px;border:1px solid #d5dbe1;border-radius:6px;font:inherit}
button{width:100%;margin-top:20px;padding:12px;border:0;border-radius:6px;background:#635bff;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button.secondary{background:#fff;color:#1a1f36;border:1px solid #d5dbe1;margin-top:8px}
.error{background:#fde8e8;color:#9b1c1c;border-radius:6px;padding:10px 12px;margin-top:14px}
a{color:#635bff}.row{display:flex;justify-content:space-between;gap:12px;padding:8px 0;border-bottom:1px solid #eef1f5}
.hint{font-size:12px;color:#697386;margin-top:8px}.pill{display:inline-block;font-size:12px;font-weight:600;border-radius:999px;padding:2px 8px;background:#e3e8ee}
.pill.active{background:#d7f7c2;color:#05690d}.pill.past_due{background:#fde2dd;color:#a41c4e}.pill.canceled{background:#e3e8ee;color:#4f566b}
</style></head><body><div class="banner" role="note">TEST MODE — local Stripe stand-in. No real payment is taken.</div>${body}</body></html>`;
}

export function checkoutPage(input: { session: Obj; lines: { name: string; price: Obj }[]; email: string; error?: string }): string {
  const { session, lines } = input;
  const first = lines[0];
  const interval = (first?.price.recurring as { interval?: string } | null)?.interval;
  const cancel = session.cancel_url ? `<p><a href="${escapeHtml(session.cancel_url)}">← Back</a></p>` : '';
  return layout(
    'Subscribe',
    `<main>
  <section>
    ${cancel}
    <p class="muted">Subscribe to ${escapeHtml(first?.name ?? 'plan')}</p>
    <div class="big">${escapeHtml(money(session.amount_total, session.currency))}${interval ? `<span class="muted" style="font-size:16px;font-weight:400"> per ${escapeHtml(interval)}</span>` : ''}</div>
    ${lines.map((line) => `<div class="row"><span>${escapeHtml(line.name)}</span><span>${escapeHtml(money(line.price.unit_amount, line.price.currency))}</span></div>`).join('')}
  </section>
  <section class="card">
    <h1>Pay with card</h1>
    <form method="post">
      <label for="email">Email</label>
      <input id="email" name="email" type="email" value="${escapeHtml(input.email)}" required>
      <label for="card">Card number</label>
      <input id="card" name="card" inputmode="numeric" autocomplete="off" value="4242 4242 4242 4242">
      <p class="hint">Test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined.</p>
      ${input.error ? `<div class="error" role="alert">${escapeHtml(input.error)}</div>` : ''}
      <button type="submit">Subscribe</button>
    </form>
  </section>
</main>`,
  );
}

export function portalPage(input: { session: Obj; subscriptions: Obj[]; productName: (price: Obj) => string }): string {
  const rows = input.subscriptions.map((sub) => {
    const item = (sub.items as { data: Obj[] }).data[0]!;
    const price = item.price as Obj;
    const interval = (price.recurring as { interval?: string } | null)?.interval ?? '';
    const live = sub.status !== 'canceled';
    const action = (name: string, label: string, secondary = true) =>
      `<form method="post" action="/portal/${escapeHtml(input.session.id)}/act"><input type="hidden" name="subscription" value="${escapeHtml(sub.id)}"><input type="hidden" name="action" value="${name}"><button class="${secondary ? 'secondary' : ''}" type="submit">${escapeHtml(label)}</button></form>`;
    return `<div class="card">
  <h2>${escapeHtml(input.productName(price))} <span class="pill ${escapeHtml(sub.status)}">${escapeHtml(sub.status)}</span></h2>
  <div class="row"><span>Price</span><span>${escapeHtml(money(price.unit_amount, price.currency))} per ${escapeHtml(interval)}</span></div>
  <div class="row"><span>${sub.cancel_at_period_end ? 'Ends on' : live ? 'Renews on' : 'Ended on'}</span><span>${escapeHtml(date(live ? item.current_period_end : sub.ended_at))}</span></div>
  ${live ? (sub.cancel_at_period_end ? action('resume', 'Keep subscription', false) : action('cancel_at_period_end', 'Cancel at end of period')) : ''}
  ${live ? action('cancel_now', 'Cancel immediately') : ''}
  ${live && sub.status !== 'past_due' ? action('fail_payment', 'Simulate a failed renewal payment') : ''}
  ${live && sub.status === 'past_due' ? action('pay', 'Pay the open invoice', false) : ''}
</div>`;
  });
  const back = input.session.return_url ? `<p><a href="${escapeHtml(input.session.return_url)}">← Return</a></p>` : '';
  return layout(
    'Billing portal',
    `<main style="grid-template-columns:1fr">
  <section>${back}<h1>Manage your subscription</h1><p class="muted">Changes are sent to the portal as signed webhooks.</p></section>
  ${rows.join('') || '<div class="card">No subscriptions yet.</div>'}
</main>`,
  );
}
