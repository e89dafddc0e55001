/**
 * Names of well-known EIP-155 chains, so the page can say "Ethereum (1)"
 * rather than a bare number. Any other chain id is shown as a number.
 */
export const CHAIN_NAMES: Readonly<Record<number, string>> = {
  1: 'Ethereum',
  10: 'OP Mainnet',
  56: 'BNB Smart Chain',
  100: 'Gnosis',
  137: 'Polygon',
  324: 'zkSync Era',
  8453: 'Base',
  17000: 'Holesky',
  42161: 'Arbitrum One',
  43114: 'Avalanche C-Chain',
  59144: 'Linea',
  534352: 'Scroll',
  11155111: 'Sepolia',
};
