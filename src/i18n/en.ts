/**
 * Every text a person sees on our pages, in English: the reference catalogue.
 * `{name}` marks a value filled in when shown. The `script` group is what the
 * login page's script shows; the page embeds it as JSON.
 */
export const en = {
  client: {
    website: 'Website',
    privacy: 'Privacy policy',
    terms: 'Terms of service',
    signingAt: 'You are signing in at {domain}.',
  },
  login: {
    title: 'Sign in with Ethereum',
    heading: 'Sign in to {client}',
    lead: 'with your Ethereum wallet. You sign a message: it is free, sends no transaction and costs no gas.',
    chooseWallet: 'Choose your wallet',
    looking: 'Looking for wallets in this browser…',
    noWallet: 'No Ethereum wallet was found in this browser.',
    noWalletHelp:
      'Install a wallet extension or app and reload this page, or sign the message with a wallet elsewhere: a hardware wallet, a phone, or the command line.',
    getWallet: 'Find a wallet',
    signElsewhere: 'Sign elsewhere',
    account: 'Account',
    network: 'Network',
    ensName: 'ENS name',
    message: 'The message you will sign',
    checkDomain: 'Your wallet should show this same text, for the site {domain}. If it names another site, do not sign.',
    sign: 'Sign the message',
    otherWallet: 'Use another wallet',
    cancel: 'Cancel and return to the application',
    noscript:
      'This page needs JavaScript to talk to a wallet in your browser. Without it, get the message for your address from {url} (JSON) and sign it elsewhere, below.',
  },
  elsewhere: {
    summary: 'Sign elsewhere: hardware wallet, phone, command line',
    intro:
      'Enter the address you will sign with and show the message. Copy it, sign it as a personal message (EIP-191 personal_sign) with any wallet, then paste the signature here.',
    address: 'Your address',
    addressHelp: '0x followed by 40 hexadecimal characters.',
    chain: 'Network',
    show: 'Show the message',
    message: 'Message',
    copy: 'Copy the message',
    signature: 'Signature',
    signatureHelp: '0x followed by hexadecimal characters: 130 from a regular account, often more from a smart account.',
    submit: 'Sign in',
  },
  script: {
    browserWallet: 'Browser wallet',
    connecting: 'Asking {wallet} for your account. Approve the request in your wallet.',
    preparing: 'Preparing the message…',
    ready: 'Check the message, then sign it with {wallet}.',
    signing: 'Confirm the signature in {wallet}.',
    verifying: 'Checking your signature…',
    done: 'Signed in. Taking you back to the application…',
    rejected: 'You declined in your wallet, so nothing was signed. Try again whenever you are ready.',
    retry: 'Try again',
    pending: '{wallet} already has a request waiting. Open your wallet, answer or close it, then try again.',
    wrongChain: 'Your wallet is on {chain}, which this sign-in does not accept. It accepts: {chains}.',
    switchTo: 'Switch to {chain}',
    switching: 'Asking {wallet} to switch to {chain}…',
    switchRefused: 'Your wallet did not switch networks. Switch it yourself to one of: {chains}.',
    accountChanged: 'Your wallet changed to the account {address}; the message is updated.',
    chainChanged: 'Your wallet changed to {chain}; the message is updated.',
    noAccount: 'Your wallet has no account connected to this page. Choose a wallet to connect again.',
    hintMissing:
      'The application suggested the account {address}, which your wallet did not offer. Switch accounts in your wallet, or sign in with this one.',
    refused: 'The sign-in was refused: {description}',
    badSignature:
      'The signature does not match the account {address}: neither its key nor, for a smart account, its contract accepts it. Sign the message again with that account.',
    smartAccountsOff:
      'Your wallet signed as a smart account (a contract wallet such as a Safe), and sign-in with smart accounts is not enabled for this network. Sign in with a regular account, or ask the application to enable it.',
    chainUnavailable:
      "The network could not be reached to check your smart account's signature. Nothing was signed in; try again in a moment.",
    reference: 'Reference: {reference}',
    walletError: 'Your wallet reported a problem: {description}',
    offline: 'The server could not be reached. Check your connection and try again.',
    unknownChain: 'chain {id}',
    badAddress: 'Enter your address: 0x followed by 40 hexadecimal characters.',
    messageReady: 'The message is ready. Copy it, sign it, then paste the signature below.',
    copied: 'The message is copied.',
    copyFailed: 'Copying did not work; the message is selected, copy it yourself.',
  },
  consent: {
    title: 'Allow access?',
    heading: 'Allow {client} to know who you are?',
    signedInAs: 'Signed in as',
    asks: '{client} asks to:',
    receives: 'It will receive:',
    allow: 'Allow',
    deny: 'Deny',
    readFirst: 'Allowing shares only what is listed here. You can read the application’s documents first:',
  },
  scopes: {
    openid: 'Know your Ethereum address, as your account identifier',
    offline_access: 'Keep you signed in while you are away (a refresh token)',
    ethereum: 'Know your Ethereum address and the chain you sign in on',
  } as Record<string, string>,
  claims: {
    sub: 'your Ethereum address',
    amr: 'how you signed in (a wallet signature)',
    auth_time: 'when you signed in',
    acr: 'how strongly you signed in',
    sid: 'an identifier of this sign-in session',
    ethereum_address: 'your Ethereum address',
    chain_id: 'the chain you signed in on',
    caip10_account_id: 'your address and chain as one account id (CAIP-10)',
  } as Record<string, string>,
  logout: {
    title: 'Sign out',
    heading: 'Sign out?',
    headingOf: 'Sign out of {client}?',
    text: 'You will be signed out of this sign-in service. Your wallet stays as it is.',
    yes: 'Yes, sign me out',
    no: 'No, stay signed in',
  },
  loggedOut: {
    title: 'Signed out',
    heading: 'You are signed out',
    text: 'You have signed out. You can close this window.',
    textOf: 'You have signed out of {client}. You can close this window.',
  },
  error: {
    title: 'Sign-in error',
    heading: 'Something went wrong',
    reference: 'Reference:',
    quote: 'Quote it if you contact the site’s operator.',
    back: 'Go back to the application you came from and start the sign-in again.',
  },
};

export type Catalogue = typeof en;
