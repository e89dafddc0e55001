// The login page's script: the wallet step (wallet.js, loaded first) and "sign elsewhere". The wallet's
// signature goes to POST …/login, whose answer sends the browser on to the application.
(() => {
  'use strict';
  const { $, data, walletStep } = window.siweWallet;
  const view = data('interaction');

  // ---- sign elsewhere: the server builds the message for a typed address; the signature is pasted back

  const ext = {
    address: $('ext-address'),
    chain: $('ext-chain'),
    message: $('ext-message'),
    copy: $('ext-copy'),
    signature: $('ext-signature'),
  };
  /** Where "sign elsewhere" says how it goes; a refusal there is about the typed address. */
  const EXT = { status: $('ext-status'), problem: $('ext-problem'), address: () => ext.address.value.trim() };

  const { t, api, say, clearProblem, fail, explain } = walletStep({
    base: `/interaction/${encodeURIComponent(view.uid)}`,
    allowed: view.siwe.chainIds,
    loginHint: view.loginHint,
    submitTo: '/login',
    signed: ({ redirectTo }) => {
      say(t('done'));
      window.location.assign(redirectTo);
    },
    final: new Set(['invalid_interaction', 'contract_wallet_unsupported']),
    /** When the page names token gates, a chain outage may be theirs rather than the smart account one. */
    gated: Boolean($('gates')),
    moveFocus: true,
    lockWhileConnecting: true,
    noteMissingHint: true,
    followDisconnect: true,
  });

  $('go-elsewhere').addEventListener('click', () => {
    $('elsewhere').open = true;
    ext.address.focus();
  });
  $('ext-show').addEventListener('click', async () => {
    clearProblem(EXT);
    const address = ext.address.value.trim();
    const valid = /^0x[0-9a-fA-F]{40}$/.test(address);
    ext.address.setAttribute('aria-invalid', String(!valid));
    if (!valid) {
      fail(t('badAddress'), { where: EXT });
      ext.address.focus();
      return;
    }
    try {
      const built = await api(`/message?${new URLSearchParams({ address, chainId: ext.chain.value })}`);
      ext.address.value = built.address;
      ext.message.value = built.message;
      ext.copy.disabled = false;
      say(t('messageReady'), EXT);
      ext.copy.focus();
    } catch (error) {
      explain(error, undefined, EXT);
    }
  });
  ext.copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(ext.message.value);
      say(t('copied'), EXT);
    } catch {
      ext.message.select();
      say(t('copyFailed'), EXT);
    }
  });
  $('elsewhere-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(EXT);
    say(t('verifying'), EXT);
    try {
      const { redirectTo } = await api('/login', {
        message: ext.message.value.replace(/\r\n/g, '\n'),
        signature: ext.signature.value.trim(),
      });
      say(t('done'), EXT);
      window.location.assign(redirectTo);
    } catch (error) {
      explain(error, undefined, EXT);
    }
  });
})();
