/**
 * Test tokens on anvil: OpenZeppelin 5 ERC-20, ERC-721 and ERC-1155 contracts (npm
 * @openzeppelin/contracts, compiled here with solc), each with an open mint for the tests.
 */
import { type Contract, ContractFactory, type Signer } from 'ethers';
import { compileSources } from './compile.js';

const SOURCE_KEY = 'test/support/chain/TestTokens.sol';

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";

contract TestToken is ERC20 {
    constructor() ERC20("Test Token", "TST") {}
    function mint(address to, uint256 amount) external { _mint(to, amount); }
}

contract TestPass is ERC721 {
    constructor() ERC721("Test Pass", "PASS") {}
    function mint(address to, uint256 tokenId) external { _mint(to, tokenId); }
}

contract TestItems is ERC1155 {
    constructor() ERC1155("") {}
    function mint(address to, uint256 id, uint256 amount) external { _mint(to, id, amount, ""); }
}
`;

export interface TestTokens {
  erc20: Contract;
  erc721: Contract;
  erc1155: Contract;
  /** Their addresses, lowercase. */
  addresses: { erc20: string; erc721: string; erc1155: string };
}

async function deploy(name: string, deployer: Signer): Promise<Contract> {
  const compiled = compileSources({ [SOURCE_KEY]: SOURCE })[SOURCE_KEY]?.[name];
  if (compiled === undefined) throw new Error(`no ${name} compiled`);
  const contract = await new ContractFactory(compiled.abi, compiled.bytecode, deployer).deploy();
  await contract.waitForDeployment();
  return contract as Contract;
}

/** Deploys one of each, sent by `deployer` (one after the other: one nonce at a time). */
export async function deployTestTokens(deployer: Signer): Promise<TestTokens> {
  const erc20 = await deploy('TestToken', deployer);
  const erc721 = await deploy('TestPass', deployer);
  const erc1155 = await deploy('TestItems', deployer);
  const address = async (contract: Contract) => (await contract.getAddress()).toLowerCase();
  return {
    erc20,
    erc721,
    erc1155,
    addresses: { erc20: await address(erc20), erc721: await address(erc721), erc1155: await address(erc1155) },
  };
}

/** Sends a contract transaction and waits for it to be mined. */
export async function send(contract: Contract, method: string, ...args: unknown[]): Promise<void> {
  const tx = await (contract[method] as (...a: unknown[]) => Promise<{ wait(): Promise<unknown> }>)(...args);
  await tx.wait();
}
