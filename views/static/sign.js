// The phone's page of a cross-device sign-in (/sign/<handle>), opened in a wallet's own browser:
// the same wallet step as the login page (EIP-6963, else window.ethereum; plain EIP-1193 requests;
// the server builds the exact EIP-4361 text), and the signature goes back to the server, which
// records it for the computer that showed the QR code. Without a wallet, the page links to wallets'
// in-app browsers instead (server-rendered).
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const data = (id) => JSON.parse($(id).textContent);
  const view = data('page');
  const texts = data('texts');
  const chainNames = data('chain-names');
  const base = `/sign/${encodeURIComponent(view.handle)}`;
  const allowed = view.chainIds;

  const t = (key, values = {}) => texts[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
  const chainName = (id) => (chainNames[id] ? `${chainNames[id]} (${id})` : t('unknownChain', { id }));
  const chainList = () => allowed.map(chainName).join(', ');
  const same = (a, b) => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
  const utf8Hex = (text) => `0x${Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  const make = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  };

  const ui = {
    wallets: $('wallets'),
    list: $('wallet-list'),
    looking: $('looking'),
    none: $('no-wallet'),
    signing: $('signing'),
    account: $('account'),
    chain: $('chain'),
    switcher: $('switch'),
    switchText: $('switch-text'),
    switchButtons: $('switch-buttons'),
    messageArea: $('message-area'),
    message: $('message'),
    sign: $('sign'),
    done: $('done'),
    status: $('status'),
    problem: $('problem'),
  };

  const say = (text) => {
    ui.status.textContent = text;
  };
  const clearProblem = () => ui.problem.replaceChildren();
  function fail(text, { reference, retry } = {}) {
    say('');
    const parts = [make('p', { textContent: text })];
    if (reference) parts.push(make('p', { className: 'reference', textContent: t('reference', { reference }) }));
    if (retry) parts.push(make('button', { type: 'button', className: 'secondary', textContent: t('retry'), onclick: retry }));
    ui.problem.replaceChildren(...parts);
    if (retry) ui.problem.querySelector('button').focus();
  }

  const PLAIN_WORDS = {
    invalid_signature: 'badSignature',
    contract_wallet_unsupported: 'smartAccountsOff',
    chain_unavailable: 'chainUnavailable',
  };
  /** Refusals after which trying again cannot help: the link is used up or the sign-in is over. */
  const FINAL = new Set(['invalid_link', 'invalid_interaction', 'nonce_consumed', 'contract_wallet_unsupported']);

  function explain(error, retry) {
    const wallet = current ? current.wallet.name : '';
    error = error || {};
    if (error.server) {
      const { error: code, error_description: description, reference } = error.server;
      const plain = PLAIN_WORDS[code];
      const address = (current && (current.address || current.account)) || '';
      fail(plain ? t(plain, { address }) : t('refused', { description: description || code }), {
        reference,
        retry: FINAL.has(code) ? undefined : retry,
      });
    } else if (error.offline) fail(t('offline'), { retry });
    else if (error.code === 4001) fail(t('rejected'), { retry });
    else if (error.code === -32002) fail(t('pending', { wallet }), { retry });
    else fail(t('walletError', { description: String(error.message || error).slice(0, 200) }), { retry });
  }

  async function api(path, body) {
    const init = { credentials: 'same-origin', headers: { accept: 'application/json' } };
    if (body)
      Object.assign(init, { method: 'POST', body: JSON.stringify(body), headers: { ...init.headers, 'content-type': 'application/json' } });
    let response;
    try {
      response = await fetch(base + path, init);
    } catch {
      throw { offline: true };
    }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw { server: { error: answer.error || `HTTP ${response.status}`, ...answer } };
    return answer;
  }

  // ---- finding wallets: EIP-6963 announcements; else window.ethereum; else the "open in" links

  const wallets = new Map();
  let settled = false;
  function renderWallets() {
    const list = [...wallets.values()];
    ui.looking.hidden = settled || list.length > 0;
    ui.none.hidden = !settled || list.length > 0;
    ui.list.replaceChildren(
      ...list.map((wallet) => {
        const icon = wallet.icon
          ? make('img', { src: wallet.icon, alt: '', width: 32, height: 32 })
          : make('span', { className: 'wallet-dot', ariaHidden: 'true', textContent: '◆' });
        const button = make('button', { type: 'button', onclick: () => connect(wallet) }, icon, make('span', { textContent: wallet.name }));
        return make('li', {}, button);
      }),
    );
  }
  window.addEventListener('eip6963:announceProvider', (event) => {
    const { info, provider } = event.detail || {};
    if (!info || typeof info.uuid !== 'string' || !provider || typeof provider.request !== 'function' || wallets.has(info.uuid)) return;
    const icon = typeof info.icon === 'string' && info.icon.startsWith('data:image/') ? info.icon : '';
    wallets.set(info.uuid, { name: String(info.name || texts.browserWallet), icon, provider });
    wallets.delete('injected');
    renderWallets();
  });
  function settle() {
    setTimeout(() => {
      settled = true;
      if (!wallets.size && window.ethereum && typeof window.ethereum.request === 'function') {
        wallets.set('injected', { name: texts.browserWallet, icon: '', provider: window.ethereum });
      }
      renderWallets();
    }, 300);
  }
  ui.wallets.hidden = false;
  window.dispatchEvent(new Event('eip6963:requestProvider'));
  if (document.readyState === 'complete') settle();
  else window.addEventListener('load', settle, { once: true });

  // ---- one connected wallet: its account and chain, and the message for them

  let current = null; // { wallet, account, chainId, message, address }
  let generation = 0;

  const onAccounts = (accounts) => {
    if (!current || current.chainId === null) return;
    if (!Array.isArray(accounts) || !accounts.length) {
      disconnect();
      fail(t('noAccount'));
      return;
    }
    const changed = !same(accounts[0], current.account);
    current.account = accounts[0];
    prepare(changed ? t('accountChanged', { address: accounts[0] }) : '');
  };
  const onChain = (chainId) => {
    if (!current || current.chainId === null) return;
    current.chainId = Number.parseInt(chainId, 16);
    prepare(t('chainChanged', { chain: chainName(current.chainId) }));
  };
  const listen = (provider, on) => {
    const method = on ? 'on' : 'removeListener';
    if (typeof provider[method] !== 'function') return;
    provider[method]('accountsChanged', onAccounts);
    provider[method]('chainChanged', onChain);
  };

  function disconnect() {
    if (current) listen(current.wallet.provider, false);
    current = null;
    generation += 1;
    ui.signing.hidden = true;
    ui.wallets.hidden = false;
    say('');
  }

  async function connect(wallet) {
    disconnect();
    clearProblem();
    current = { wallet, account: null, chainId: null, message: null };
    listen(wallet.provider, true);
    const run = generation;
    say(t('connecting', { wallet: wallet.name }));
    try {
      const accounts = await wallet.provider.request({ method: 'eth_requestAccounts' });
      const chainId = Number.parseInt(await wallet.provider.request({ method: 'eth_chainId' }), 16);
      if (run !== generation || !current) return;
      if (!Array.isArray(accounts) || !accounts.length) return fail(t('noAccount'), { retry: () => connect(wallet) });
      const hinted = accounts.find((account) => same(account, view.loginHint));
      Object.assign(current, { account: hinted || accounts[0], chainId });
      ui.wallets.hidden = true;
      ui.signing.hidden = false;
      await prepare('');
    } catch (error) {
      explain(error, () => connect(wallet));
    }
  }

  function renderSwitch(text) {
    ui.switchText.textContent = text;
    ui.switchButtons.replaceChildren(
      ...allowed.slice(0, 4).map((id) =>
        make('button', {
          type: 'button',
          className: 'secondary',
          textContent: t('switchTo', { chain: chainName(id) }),
          onclick: () => switchChain(id),
        }),
      ),
    );
    ui.switcher.hidden = false;
  }

  async function prepare(note) {
    const run = ++generation;
    clearProblem();
    Object.assign(current, { message: null, address: null });
    ui.account.textContent = current.account;
    ui.chain.textContent = chainName(current.chainId);
    ui.message.textContent = '';
    ui.messageArea.hidden = true;
    ui.sign.disabled = true;
    if (!allowed.includes(current.chainId)) {
      say('');
      renderSwitch(t('wrongChain', { chain: chainName(current.chainId), chains: chainList() }));
      return;
    }
    ui.switcher.hidden = true;
    say(t('preparing'));
    try {
      const query = new URLSearchParams({ address: current.account, chainId: String(current.chainId) });
      const built = await api(`/message?${query}`);
      if (run !== generation) return;
      Object.assign(current, { message: built.message, address: built.address });
      ui.account.textContent = built.address;
      ui.message.textContent = built.message;
      ui.messageArea.hidden = false;
      ui.sign.disabled = false;
      say(note || t('ready', { wallet: current.wallet.name }));
    } catch (error) {
      if (run === generation) explain(error, () => prepare(note));
    }
  }

  async function sign() {
    if (!current?.message) return;
    const { wallet, message, account } = current;
    const run = generation;
    clearProblem();
    ui.sign.disabled = true;
    ui.sign.setAttribute('aria-busy', 'true');
    say(t('signing', { wallet: wallet.name }));
    try {
      const signature = await wallet.provider.request({ method: 'personal_sign', params: [utf8Hex(message), account] });
      if (run !== generation) return;
      say(t('verifying'));
      await api('', { message, signature });
      listen(wallet.provider, false);
      current = null;
      say('');
      ui.signing.hidden = true;
      ui.wallets.hidden = true;
      ui.done.hidden = false;
      $('done-heading').focus();
    } catch (error) {
      if (run === generation) {
        ui.sign.disabled = false;
        explain(error, sign);
      }
    } finally {
      ui.sign.removeAttribute('aria-busy');
    }
  }

  async function switchChain(id) {
    const { wallet } = current;
    const run = generation;
    clearProblem();
    say(t('switching', { wallet: wallet.name, chain: chainName(id) }));
    try {
      await wallet.provider.request({ method: 'wallet_switchEthereumChain', params: [{ chainId: `0x${id.toString(16)}` }] });
      const now = Number.parseInt(await wallet.provider.request({ method: 'eth_chainId' }), 16);
      if (run !== generation || !current) return;
      current.chainId = now;
      prepare(allowed.includes(now) ? t('chainChanged', { chain: chainName(now) }) : '');
    } catch (error) {
      if (run !== generation) return;
      if (error && error.code === -32002) explain(error, () => switchChain(id));
      else {
        say('');
        ui.switchText.textContent = t('switchRefused', { chains: chainList() });
      }
    }
  }

  ui.sign.addEventListener('click', sign);
  $('other-wallet').addEventListener('click', () => {
    disconnect();
    clearProblem();
    renderWallets();
  });
})();
