// The login page's "use a wallet on your phone": the server makes the phone's link, its QR code (an
// SVG made on our origin) and a two-digit match code; an event stream (EventSource) says when the
// phone has signed, and this browser, which holds the interaction's cookie, finishes the sign-in.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const view = JSON.parse($('interaction').textContent);
  const texts = JSON.parse($('texts').textContent);
  const t = (key, values = {}) => texts[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
  const base = `/interaction/${encodeURIComponent(view.uid)}/cross-device`;
  const ui = {
    details: $('phone'),
    area: $('phone-area'),
    qr: $('phone-qr'),
    code: $('phone-code'),
    link: $('phone-link'),
    status: $('phone-status'),
    problem: $('phone-problem'),
  };

  const say = (text) => {
    ui.status.textContent = text;
  };
  function fail(text, { reference, retry, back } = {}) {
    say('');
    const make = (tag, props) => Object.assign(document.createElement(tag), props);
    const parts = [make('p', { textContent: text })];
    if (reference) parts.push(make('p', { className: 'reference', textContent: t('reference', { reference }) }));
    if (retry) parts.push(make('button', { type: 'button', className: 'secondary', textContent: t('retry'), onclick: retry }));
    // The sign-in is over (a token gate refused it): the way back to the application, with the error (as wallet.js).
    if (back) parts.push(make('a', { className: 'button primary', href: back, textContent: t('backToApplication') }));
    ui.problem.replaceChildren(...parts);
    if (back) ui.problem.querySelector('a').focus();
  }

  async function post(path) {
    let response;
    try {
      response = await fetch(base + path, { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json' } });
    } catch {
      throw { text: t('offline') };
    }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const description = answer.error_description || answer.error || response.status;
      // access_denied with redirectTo: a token gate refused the account, and the sign-in is over.
      if (answer.error === 'access_denied' && answer.redirectTo) {
        throw { text: t('gateDenied', { description }), reference: answer.reference, back: answer.redirectTo };
      }
      throw { text: t('refused', { description }), reference: answer.reference };
    }
    return answer;
  }

  let state = 'idle'; // idle → starting → waiting → finishing → done
  let source = null;

  async function begin() {
    if (state !== 'idle') return;
    state = 'starting';
    ui.problem.replaceChildren();
    say(t('phonePreparing'));
    try {
      const shown = await post('');
      ui.qr.src = shown.qr;
      ui.code.textContent = shown.code;
      ui.link.textContent = shown.link;
      ui.area.hidden = false;
      listen();
    } catch (error) {
      state = 'idle';
      fail(error.text, { reference: error.reference, retry: begin });
    }
  }

  function listen() {
    state = 'waiting';
    ui.problem.replaceChildren();
    say(t('phoneWaiting'));
    source = new EventSource(`${base}/events`);
    source.addEventListener('proof', () => {
      source.close();
      finish();
    });
    source.addEventListener('expired', () => {
      source.close();
      state = 'done';
      fail(t('phoneExpired'));
    });
    // An ended stream reconnects by itself (CONNECTING); only a refused one is CLOSED.
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED && state === 'waiting') fail(t('phoneLost'), { retry: listen });
    });
  }

  async function finish() {
    state = 'finishing';
    say(t('phoneSigned'));
    try {
      const { redirectTo } = await post('/finish');
      state = 'done';
      say(t('done'));
      window.location.assign(redirectTo);
    } catch (error) {
      if (error.back) {
        state = 'done';
        fail(error.text, { reference: error.reference, back: error.back });
        return;
      }
      state = 'waiting';
      fail(error.text, { reference: error.reference, retry: listen });
    }
  }

  ui.details.addEventListener('toggle', () => {
    if (ui.details.open) begin();
  });
  $('go-phone').addEventListener('click', () => {
    ui.details.open = true;
    ui.details.querySelector('summary').focus();
  });
})();
