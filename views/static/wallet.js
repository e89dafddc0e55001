// The wallet step, shared by the login page (login.js) and the phone's page of a cross-device sign-in
// (sign.js); loaded before either, it defines window.siweWallet and nothing else. Wallets are found with
// EIP-6963 (else window.ethereum) and spoken to with plain EIP-1193 requests: no Ethereum library. The
// server builds the exact EIP-4361 text (GET …/message), so the page shows, and the wallet signs, exactly
// what the server will check. The page says where the signature goes and what follows it.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const data = (id) => JSON.parse($(id).textContent);
  const same = (a, b) => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
  const utf8Hex = (text) => `0x${Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  const make = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  };

  /** Refusals the page explains in its own words rather than the server's (whose description stays in English). */
  const PLAIN_WORDS = {
    invalid_signature: 'badSignature',
    contract_wallet_unsupported: 'smartAccountsOff',
    chain_unavailable: 'chainUnavailable',
  };

  /**
   * Runs the wallet step of a page that has its elements (ids: wallets, wallet-list, looking, no-wallet, signing,
   * account, chain, switch, switch-text, switch-buttons, message-area, message, sign, other-wallet, status, problem;
   * account-select and ens, ens-name, ens-avatar where the page offers them) and its JSON blocks texts and
   * chain-names. Options:
   * - base: the page's routes (GET base/message, base/ens), allowed: the accepted chain ids, loginHint: the account
   *   to pre-select when the wallet has it;
   * - submitTo: the path under base the message and its signature are posted to; signed(answer, wallet): what
   *   follows the server's yes;
   * - final: the refusals after which trying again cannot help; gated: the page names token gates, so a chain
   *   outage may be theirs rather than the smart account one;
   * - moveFocus: focus follows the step (first wallet, Sign, Switch); lockWhileConnecting: the wallet buttons are
   *   disabled (and the list aria-busy) while a wallet connects; noteMissingHint: says so when the wallet lacks
   *   the loginHint account; followDisconnect: a wallet's disconnect event ends the connection.
   * Returns the page's texts (t), its requests (api), notices (say, clearProblem, fail, explain) and release(wallet).
   */
  function walletStep(options) {
    const texts = data('texts');
    const chainNames = data('chain-names');
    const { base, allowed } = options;

    const t = (key, values = {}) => texts[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
    const chainName = (id) => (chainNames[id] ? `${chainNames[id]} (${id})` : t('unknownChain', { id }));
    const chainList = () => allowed.map(chainName).join(', ');

    const ui = {
      wallets: $('wallets'),
      list: $('wallet-list'),
      looking: $('looking'),
      none: $('no-wallet'),
      signing: $('signing'),
      account: $('account'),
      accountSelect: $('account-select'),
      chain: $('chain'),
      switcher: $('switch'),
      switchText: $('switch-text'),
      switchButtons: $('switch-buttons'),
      messageArea: $('message-area'),
      message: $('message'),
      sign: $('sign'),
      ens: $('ens'),
      ensName: $('ens-name'),
      ensAvatar: $('ens-avatar'),
    };

    // ---- status (polite live region) and problems (alert, with an optional retry button, or the way back to the
    // application when the sign-in is over); in the step's own place unless told where ({ status, problem, and
    // address() when a refusal there is about another address than the connected one })

    const MAIN = { status: $('status'), problem: $('problem') };
    const say = (text, where = MAIN) => {
      where.status.textContent = text;
    };
    const clearProblem = (where = MAIN) => where.problem.replaceChildren();
    function fail(text, { reference, retry, back, where = MAIN } = {}) {
      say('', where);
      const parts = [make('p', { textContent: text })];
      if (reference) parts.push(make('p', { className: 'reference', textContent: t('reference', { reference }) }));
      if (retry) parts.push(make('button', { type: 'button', className: 'secondary', textContent: t('retry'), onclick: retry }));
      // The sign-in is over (e.g. a token gate refused it): the way back to the application, with the error.
      if (back) parts.push(make('a', { className: 'button primary', href: back, textContent: t('backToApplication') }));
      where.problem.replaceChildren(...parts);
      if (retry || back) where.problem.querySelector('button, a').focus();
    }

    /** Explains a failure: the server's own words, or the EIP-1193 error code in plain words. */
    function explain(error, retry, where = MAIN) {
      const wallet = current ? current.wallet.name : '';
      error = error || {};
      if (error.server) {
        const { error: code, error_description: description, reference, redirectTo } = error.server;
        if (code === 'access_denied' && redirectTo) {
          ui.sign.disabled = true;
          fail(t('gateDenied', { description }), { reference, back: redirectTo, where });
          return;
        }
        const plain = code === 'chain_unavailable' && options.gated ? undefined : PLAIN_WORDS[code];
        const address = where.address ? where.address() : (current && (current.address || current.account)) || '';
        fail(plain ? t(plain, { address }) : t('refused', { description: description || code }), {
          reference,
          retry: options.final.has(code) ? undefined : retry,
          where,
        });
      } else if (error.offline) fail(t('offline'), { retry, where });
      else if (error.code === 4001) fail(t('rejected'), { retry, where });
      else if (error.code === -32002) fail(t('pending', { wallet }), { retry, where });
      else fail(t('walletError', { description: String(error.message || error).slice(0, 200) }), { retry, where });
    }

    async function api(path, body) {
      const init = { credentials: 'same-origin', headers: { accept: 'application/json' } };
      if (body)
        Object.assign(init, {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { ...init.headers, 'content-type': 'application/json' },
        });
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

    // ---- finding wallets: EIP-6963 announcements; else window.ethereum; else none (the page's #no-wallet)

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
          const button = make(
            'button',
            { type: 'button', onclick: () => connect(wallet) },
            icon,
            make('span', { textContent: wallet.name }),
          );
          return make('li', {}, button);
        }),
      );
      if (options.moveFocus && list.length && document.activeElement === document.body) ui.list.querySelector('button').focus();
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

    // ---- one connected wallet: its accounts and chain, and the message for them

    let current = null; // { wallet, accounts, account, chainId, message, address }
    let generation = 0; // bumped on every change of wallet, account or chain: late answers are dropped

    const onAccounts = (accounts) => {
      if (!current || current.chainId === null) return; // not connected yet: connect() reads the accounts itself
      if (!Array.isArray(accounts) || !accounts.length) {
        disconnect();
        fail(t('noAccount'));
        return;
      }
      const changed = !same(accounts[0], current.account);
      Object.assign(current, { accounts, account: accounts[0] });
      prepare(changed ? t('accountChanged', { address: accounts[0] }) : '');
    };
    const onChain = (chainId) => {
      if (!current || current.chainId === null) return;
      current.chainId = Number.parseInt(chainId, 16);
      prepare(t('chainChanged', { chain: chainName(current.chainId) }));
    };
    const onDisconnect = (error) => {
      if (error?.code !== 1013) onAccounts([]);
    }; // 1013: reconnecting, e.g. while switching chains
    const listen = (provider, on) => {
      const method = on ? 'on' : 'removeListener';
      if (typeof provider[method] !== 'function') return;
      provider[method]('accountsChanged', onAccounts);
      provider[method]('chainChanged', onChain);
      if (options.followDisconnect) provider[method]('disconnect', onDisconnect);
    };

    function disconnect() {
      if (current) listen(current.wallet.provider, false);
      current = null;
      generation += 1;
      ui.signing.hidden = true;
      ui.wallets.hidden = false;
      say('');
    }

    /** After the server's yes: the wallet's events no longer matter. */
    function release(wallet) {
      listen(wallet.provider, false);
      current = null;
    }

    const lock = (locked) => {
      if (!options.lockWhileConnecting) return;
      ui.list.querySelectorAll('button').forEach((button) => {
        button.disabled = locked;
      });
      if (locked) ui.wallets.setAttribute('aria-busy', 'true');
      else ui.wallets.removeAttribute('aria-busy');
    };

    async function connect(wallet) {
      disconnect();
      clearProblem();
      current = { wallet, accounts: [], account: null, chainId: null, message: null };
      listen(wallet.provider, true);
      const run = generation;
      lock(true);
      say(t('connecting', { wallet: wallet.name }));
      try {
        const accounts = await wallet.provider.request({ method: 'eth_requestAccounts' });
        const chainId = Number.parseInt(await wallet.provider.request({ method: 'eth_chainId' }), 16);
        if (run !== generation || !current) return;
        if (!Array.isArray(accounts) || !accounts.length) return fail(t('noAccount'), { retry: () => connect(wallet) });
        const hinted = accounts.find((account) => same(account, options.loginHint));
        Object.assign(current, { accounts, account: hinted || accounts[0], chainId });
        ui.wallets.hidden = true;
        ui.signing.hidden = false;
        const missing = options.noteMissingHint && options.loginHint && !hinted;
        await prepare(missing ? t('hintMissing', { address: options.loginHint }) : '', true);
      } catch (error) {
        explain(error, () => connect(wallet));
      } finally {
        lock(false);
      }
    }

    /** Moves focus to `node` when asked, or when focus was lost (on the body, or on a control now disabled). */
    function keepFocus(node, force) {
      if (!options.moveFocus) return;
      const active = document.activeElement;
      if (force || !active || active === document.body || active.disabled || active.closest('[hidden]')) node.focus();
    }

    function renderAccount() {
      const many = Boolean(ui.accountSelect) && current.accounts.length > 1;
      ui.account.hidden = many;
      if (ui.accountSelect) ui.accountSelect.hidden = !many;
      ui.account.textContent = current.address && same(current.address, current.account) ? current.address : current.account;
      if (many) {
        ui.accountSelect.replaceChildren(
          ...current.accounts.map((account) =>
            make('option', { value: account, textContent: account, selected: same(account, current.account) }),
          ),
        );
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

    // ---- the connected address's ENS name and avatar (a data: URL: nothing from another origin), when the server
    // looks names up (the page's #signing has data-ens="on"); a name is a nicety, so a failure shows nothing and
    // changes nothing

    const ensOn = ui.signing.dataset.ens === 'on';
    // The server's answer per address, asked once per page: a chain switch or an account coming back shows it
    // again without a lookup (the server allows an interaction only a few).
    const names = new Map();
    async function showName(run, address) {
      if (!ensOn) return;
      try {
        let found = names.get(address);
        if (!found) {
          found = await api(`/ens?${new URLSearchParams({ address })}`);
          names.set(address, found);
        }
        if (run !== generation || !found.name) return;
        ui.ensName.textContent = found.name;
        const avatar = typeof found.avatar === 'string' && found.avatar.startsWith('data:image/') ? found.avatar : '';
        ui.ensAvatar.hidden = !avatar;
        if (avatar) ui.ensAvatar.src = avatar;
        else ui.ensAvatar.removeAttribute('src');
        ui.ens.hidden = false;
      } catch {}
    }

    /** Shows the account and chain, then fetches and shows the exact message for them. */
    async function prepare(note = '', first = false) {
      const run = ++generation;
      clearProblem();
      Object.assign(current, { message: null, address: null });
      if (ui.ens) ui.ens.hidden = true;
      renderAccount();
      ui.chain.textContent = chainName(current.chainId);
      ui.message.textContent = '';
      ui.messageArea.hidden = true;
      ui.sign.disabled = true;
      if (!allowed.includes(current.chainId)) {
        say('');
        renderSwitch(t('wrongChain', { chain: chainName(current.chainId), chains: chainList() }));
        keepFocus(ui.switchButtons.querySelector('button'), first);
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
        void showName(run, built.address);
        ui.message.textContent = built.message;
        ui.messageArea.hidden = false;
        ui.sign.disabled = false;
        say(note || t('ready', { wallet: current.wallet.name }));
        keepFocus(ui.sign, first);
      } catch (error) {
        if (run === generation) explain(error, () => prepare(note, first));
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
        if (run !== generation) return; // the account or chain changed meanwhile: the new message needs a new signature
        say(t('verifying'));
        options.signed(await api(options.submitTo, { message, signature }), wallet);
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
        if (run !== generation || !current) return; // chainChanged already rebuilt the message
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
      const first = ui.list.querySelector('button');
      if (options.moveFocus && first) first.focus();
    });
    if (ui.accountSelect) {
      ui.accountSelect.addEventListener('change', () => {
        current.account = ui.accountSelect.value;
        prepare();
      });
    }

    return { t, api, say, clearProblem, fail, explain, release };
  }

  window.siweWallet = Object.freeze({ $, data, walletStep });
})();
