// The phone's page of a cross-device sign-in (/sign/<handle>), opened in a wallet's own browser:
// the same wallet step as the login page (wallet.js, loaded first), and the signature goes back to the
// server, which records it for the computer that showed the QR code. Without a wallet, the page links
// to wallets' in-app browsers instead (server-rendered).
(() => {
  'use strict';
  const { $, data, walletStep } = window.siweWallet;
  const view = data('page');

  const { say, release } = walletStep({
    base: `/sign/${encodeURIComponent(view.handle)}`,
    allowed: view.chainIds,
    loginHint: view.loginHint,
    submitTo: '',
    signed: (_answer, wallet) => {
      release(wallet);
      say('');
      $('signing').hidden = true;
      $('wallets').hidden = true;
      $('done').hidden = false;
      $('done-heading').focus();
    },
    /** Refusals after which trying again cannot help: the link is used up or the sign-in is over. */
    final: new Set(['invalid_link', 'invalid_interaction', 'nonce_consumed', 'contract_wallet_unsupported']),
  });
})();
