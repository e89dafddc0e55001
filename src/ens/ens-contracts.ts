/**
 * The parts of the ENS contracts a lookup calls, as human-readable ABIs for
 * ethers, each from the standard that defines it:
 *
 *   - EIP-137 (ENSIP-1): the registry's `resolver(node)`, a resolver's
 *     `addr(node)` (ETH address) and ERC-165 `supportsInterface`;
 *   - EIP-181 (ENSIP-3): reverse records, `name(node)` at
 *     `<address in lowercase hex>.addr.reverse`;
 *   - EIP-634 (ENSIP-5): `text(node, key)`, here the `avatar` key (ENSIP-12);
 *   - ENSIP-10: the extended resolver's `resolve(dnsName, data)`, which
 *     answers for a name and all names below it (wildcards);
 *   - ERC-721 `ownerOf`/`tokenURI` and ERC-1155 `balanceOf`/`uri`, for NFT
 *     avatars (ENSIP-12).
 */
export const REGISTRY_ABI = ['function resolver(bytes32 node) view returns (address)'];

export const RESOLVER_ABI = [
  'function supportsInterface(bytes4 interfaceId) view returns (bool)',
  'function addr(bytes32 node) view returns (address)',
  'function name(bytes32 node) view returns (string)',
  'function text(bytes32 node, string key) view returns (string)',
  'function resolve(bytes name, bytes data) view returns (bytes)',
];

/** ENSIP-10's interface id: `resolve(bytes,bytes)`. */
export const EXTENDED_RESOLVER_INTERFACE = '0x9061b923';

export const ERC721_ABI = [
  'function ownerOf(uint256 tokenId) view returns (address)',
  'function tokenURI(uint256 tokenId) view returns (string)',
];

export const ERC1155_ABI = [
  'function balanceOf(address account, uint256 id) view returns (uint256)',
  'function uri(uint256 id) view returns (string)',
];
