/**
 * "Open in <wallet>" links for a phone browser without a wallet: each opens
 * our page in that wallet's in-app browser, where the wallet is injected.
 * These are links the person may follow, never requests the page makes.
 * The formats are the wallets' own documented universal links.
 */
export interface DeepLink {
  wallet: string;
  href: string;
}

export function deepLinks(url: string): DeepLink[] {
  const encoded = encodeURIComponent(url);
  const { host, pathname } = new URL(url);
  return [
    // MetaMask: the URL without its scheme (https is assumed).
    { wallet: 'MetaMask', href: `https://metamask.app.link/dapp/${host}${pathname}` },
    { wallet: 'Coinbase Wallet', href: `https://go.cb-w.com/dapp?cb_url=${encoded}` },
    { wallet: 'Trust Wallet', href: `https://link.trustwallet.com/open_url?coin_id=60&url=${encoded}` },
    { wallet: 'Rainbow', href: `https://rnbwapp.com/dapp?url=${encoded}` },
  ];
}
