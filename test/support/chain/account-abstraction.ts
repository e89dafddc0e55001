/**
 * ERC-4337 0.8 accounts on a test chain, from @account-abstraction/contracts' artifacts:
 * EntryPoint, a SimpleAccount behind OpenZeppelin's ERC1967Proxy, and EIP-7702 delegation of
 * an EOA to Simple7702Account.
 *
 * Checked in the artifacts / sources (0.8.0):
 * - SimpleAccount has NO ERC-1271 isValidSignature (and no fallback): calling it reverts with
 *   empty data. It cannot sign in through ERC-1271.
 * - SimpleAccountFactory.createAccount requires msg.sender == the EntryPoint's SenderCreator,
 *   so the account is deployed here as `new ERC1967Proxy(implementation, initialize(owner))`,
 *   exactly what the factory would create (ERC1967Proxy compiled from @openzeppelin/contracts 5.4).
 * - Simple7702Account has no constructor arguments (its entryPoint() is the hard-coded v0.8
 *   address 0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108); its isValidSignature(hash, sig) accepts
 *   ECDSA.recover(hash, sig) == address(this), i.e. the delegated EOA's own key over `hash`
 *   (returns 0xffffffff otherwise; reverts on a malformed signature). It has a payable
 *   fallback, so unknown selectors succeed with empty return data.
 */
import { type BaseWallet, concat, getAddress, Interface, type Provider, type Signer, ZeroAddress } from 'ethers';
import { artifact, deploy } from './artifacts.js';
import { compilePackageContract } from './compile.js';

export async function deployEntryPoint(deployer: Signer): Promise<string> {
  return deploy('EntryPoint', deployer);
}

/** A SimpleAccount 0.8 owned by `owner`: implementation(entryPoint) + ERC1967Proxy initialised with initialize(owner). */
export async function deploySimpleAccount(deployer: Signer, owner: { address: string }, entryPoint: string): Promise<string> {
  const implementation = await deploy('SimpleAccount', deployer, entryPoint);
  const initialize = new Interface(artifact('SimpleAccount').abi).encodeFunctionData('initialize', [owner.address]);
  const proxy = compilePackageContract('@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol', 'ERC1967Proxy');
  return deploy(proxy, deployer, implementation, initialize);
}

/** EntryPoint 0.8, then a SimpleAccount owned by `owner`; the account's address. */
export async function deployEntryPointAndSimpleAccount(deployer: Signer, owner: { address: string }): Promise<string> {
  return deploySimpleAccount(deployer, owner, await deployEntryPoint(deployer));
}

/** The Simple7702Account implementation (no constructor arguments). */
export async function deploySimple7702Account(deployer: Signer): Promise<string> {
  return deploy('Simple7702Account', deployer);
}

/** The code of an EOA delegated to `implementation` (EIP-7702 delegation designator). */
export function delegationCode(implementation: string): string {
  return concat(['0xef0100', getAddress(implementation)]).toLowerCase();
}

/**
 * Sends a type-4 (EIP-7702) transaction whose authorization, signed by `eoa`, sets the EOA's
 * code to 0xef0100 ‖ implementation (ZeroAddress clears it). Without `sponsor` the EOA sends
 * it itself and must be funded; then its authorization nonce is its transaction nonce + 1
 * (the sender's nonce is bumped before the authorization list is applied). With `sponsor`,
 * the sponsor pays and the authorization nonce is the EOA's current nonce.
 */
export async function delegate7702(eoa: BaseWallet, implementation: string, provider: Provider, sponsor?: Signer): Promise<void> {
  const signer = eoa.connect(provider);
  const { chainId } = await provider.getNetwork();
  const nonce = await provider.getTransactionCount(eoa.address, 'pending');
  const authorization = await signer.authorize({ address: implementation, chainId, nonce: sponsor === undefined ? nonce + 1 : nonce });
  const sender = sponsor ?? signer;
  const response = await sender.sendTransaction({
    type: 4,
    to: eoa.address,
    authorizationList: [authorization],
    gasLimit: 100_000n, // 21,000 + 25,000 per authorization, with room; avoids estimating a type-4 transaction
  });
  const receipt = await response.wait();
  if (receipt === null || receipt.status !== 1) throw new Error('the EIP-7702 transaction failed');
  const code = (await provider.getCode(eoa.address)).toLowerCase();
  const expected = implementation === ZeroAddress ? '0x' : delegationCode(implementation);
  if (code !== expected) throw new Error(`EIP-7702 delegation not applied: code ${code}, expected ${expected}`);
}

/** What a 7702-delegated EOA signs for a SIWE message: personal_sign with its own key (= wallet.signMessage). */
export function sign7702Message(eoa: BaseWallet, message: string): Promise<string> {
  return eoa.signMessage(message);
}
