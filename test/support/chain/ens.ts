/**
 * A test ENS on a local anvil: the registry, public resolver, reverse registrar and an ENSIP-10
 * wildcard resolver of ens/TestEns.sol (written from EIP-137, EIP-181, EIP-634 and ENSIP-10),
 * compiled with the npm `solc`, and helpers to register names and set primary names as their
 * owners do on mainnet. Plus an ERC-721 (OpenZeppelin) for NFT avatars (ENSIP-12).
 */
import { type Contract, ContractFactory, dnsEncode, id, namehash as ethersNamehash, type Signer, ZeroHash } from 'ethers';
import { compileContract } from './compile.js';

const SOURCE = 'test/support/chain/ens/TestEns.sol';

/** EIP-137's namehash, the root ('') included. */
const namehash = (name: string) => (name === '' ? ZeroHash : ethersNamehash(name));

export interface TestEns {
  registry: Contract;
  resolver: Contract;
  reverseRegistrar: Contract;
  wildcard: Contract;
  registryAddress: string;
  /** Gives `name` (and every missing parent) to the deployer, with the public resolver, `addr` and optional avatar. */
  register(name: string, address: string, avatar?: string): Promise<void>;
  /** Sets `name`'s records in the wildcard resolver (set on its parent with useWildcard()). */
  registerWildcard(name: string, address: string, avatar?: string): Promise<void>;
  /** Makes the wildcard resolver the resolver of `parent` (and only that node). */
  useWildcard(parent: string): Promise<void>;
  /** Makes the public resolver, which is not an extended one, the resolver of `parent` alone. */
  useResolverOn(parent: string): Promise<void>;
  /** `wallet` sets its own primary name through the reverse registrar (EIP-181), as an ENS app does. */
  setPrimaryName(wallet: Signer, name: string): Promise<void>;
}

async function deploy(file: string, name: string, deployer: Signer, ...args: unknown[]): Promise<Contract> {
  const { abi, bytecode } = compileContract(file, name);
  const contract = await new ContractFactory(abi, bytecode, deployer).deploy(...args);
  await contract.waitForDeployment();
  return contract as Contract;
}

export async function deployTestEns(deployer: Signer): Promise<TestEns> {
  const registry = await deploy(SOURCE, 'TestEnsRegistry', deployer);
  const resolver = await deploy(SOURCE, 'TestPublicResolver', deployer, await registry.getAddress());
  const reverseRegistrar = await deploy(SOURCE, 'TestReverseRegistrar', deployer, await registry.getAddress(), await resolver.getAddress());
  const wildcard = await deploy(SOURCE, 'TestWildcardResolver', deployer);
  const me = await deployer.getAddress();
  const send = async (pending: Promise<{ wait(): Promise<unknown> }>) => {
    await (await pending).wait();
  };
  const owned = new Set<string>(['']);

  /** The deployer owns `name` and every parent of it. */
  async function own(name: string): Promise<void> {
    if (owned.has(name)) return;
    const [label, ...rest] = name.split('.');
    const parent = rest.join('.');
    await own(parent);
    await send(registry.getFunction('setSubnodeOwner')(namehash(parent), id(label!), me));
    owned.add(name);
  }

  await own('reverse');
  await send(registry.getFunction('setSubnodeOwner')(namehash('reverse'), id('addr'), await reverseRegistrar.getAddress()));

  return {
    registry,
    resolver,
    reverseRegistrar,
    wildcard,
    registryAddress: await registry.getAddress(),
    async register(name, address, avatar) {
      await own(name);
      const node = namehash(name);
      await send(registry.getFunction('setResolver')(node, await resolver.getAddress()));
      await send(resolver.getFunction('setAddr')(node, address));
      if (avatar !== undefined) await send(resolver.getFunction('setText')(node, 'avatar', avatar));
    },
    async registerWildcard(name, address, avatar = '') {
      await send(wildcard.getFunction('setRecords')(dnsEncode(name, 255), address, avatar));
    },
    async useWildcard(parent) {
      await own(parent);
      await send(registry.getFunction('setResolver')(namehash(parent), await wildcard.getAddress()));
    },
    async useResolverOn(parent) {
      await own(parent);
      await send(registry.getFunction('setResolver')(namehash(parent), await resolver.getAddress()));
    },
    async setPrimaryName(wallet, name) {
      const registrar = reverseRegistrar.connect(wallet) as Contract;
      await send(registrar.getFunction('setName')(name));
    },
  };
}

/** An OpenZeppelin ERC-721 whose tokens anyone mints with a metadata URI (ens/AvatarNft.sol). */
export async function deployAvatarNft(deployer: Signer): Promise<Contract> {
  return deploy('test/support/chain/ens/AvatarNft.sol', 'AvatarNft', deployer);
}
