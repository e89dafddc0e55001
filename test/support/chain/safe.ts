/**
 * Safe 1.4.1 on a test chain: singleton, proxy factory and CompatibilityFallbackHandler from
 * the published artifacts; deployed and counterfactual (CREATE2) Safes; owners' signatures
 * that the Safe's ERC-1271 isValidSignature(bytes32, bytes) accepts.
 *
 * Signing, as CompatibilityFallbackHandler 1.4.1 checks it: isValidSignature(bytes32 h, sig)
 * → isValidSignature(abi.encode(h) (= the 32 bytes of h), sig) → messageHash =
 * keccak256(0x19 ‖ 0x01 ‖ safe.domainSeparator() ‖ keccak256(abi.encode(SAFE_MSG_TYPEHASH, keccak256(abi.encode(h)))))
 * i.e. the EIP-712 digest of SafeMessage(bytes message) { message: h } in the domain
 * { chainId, verifyingContract: safe } (no name, no version) → safe.checkSignatures(messageHash, …):
 * one 65-byte r ‖ s ‖ v per owner, v 27/28 for a raw ECDSA signature of messageHash (no
 * personal_sign prefix; v > 30 would mean eth_sign), sorted by owner address ascending,
 * at least `threshold` of them (fewer: revert GS020).
 */
import {
  AbiCoder,
  type BaseWallet,
  concat,
  getCreate2Address,
  hashMessage,
  Interface,
  keccak256,
  type Signer,
  solidityPackedKeccak256,
  TypedDataEncoder,
  ZeroAddress,
  zeroPadValue,
} from 'ethers';
import { artifact, deploy, providerOf } from './artifacts.js';

export interface SafeInfrastructure {
  /** The Safe 1.4.1 singleton (not SafeL2). */
  singleton: string;
  proxyFactory: string;
  fallbackHandler: string;
  /** SafeProxyFactory.proxyCreationCode(), read from the deployed factory (for CREATE2 addresses). */
  proxyCreationCode: string;
}

export interface CounterfactualSafe {
  /** Where createProxyWithNonce will put the Safe (CREATE2 from the factory). */
  address: string;
  /** The factory to call: the SafeProxyFactory. */
  factory: string;
  /** createProxyWithNonce(singleton, initializer, saltNonce) calldata. */
  factoryCalldata: string;
}

type Owners = readonly { address: string }[];

const safeInterface = new Interface(artifact('Safe').abi);
const factoryInterface = new Interface(artifact('SafeProxyFactory').abi);

export async function deploySafeInfrastructure(deployer: Signer): Promise<SafeInfrastructure> {
  const singleton = await deploy('Safe', deployer);
  const proxyFactory = await deploy('SafeProxyFactory', deployer);
  const fallbackHandler = await deploy('CompatibilityFallbackHandler', deployer);
  const returned = await providerOf(deployer).call({ to: proxyFactory, data: factoryInterface.encodeFunctionData('proxyCreationCode') });
  const [proxyCreationCode] = factoryInterface.decodeFunctionResult('proxyCreationCode', returned) as unknown as [string];
  return { singleton, proxyFactory, fallbackHandler, proxyCreationCode };
}

/** Safe.setup calldata: these owners and threshold, CompatibilityFallbackHandler, nothing else. */
export function safeSetup(owners: Owners, threshold: number, infra: SafeInfrastructure): string {
  return safeInterface.encodeFunctionData('setup', [
    owners.map((owner) => owner.address),
    threshold,
    ZeroAddress, // to: no delegate call during setup
    '0x',
    infra.fallbackHandler,
    ZeroAddress, // paymentToken
    0, // payment
    ZeroAddress, // paymentReceiver
  ]);
}

/** The address and factory call of a Safe that is not deployed (yet). */
export function counterfactualSafe(owners: Owners, threshold: number, infra: SafeInfrastructure, saltNonce: bigint): CounterfactualSafe {
  const initializer = safeSetup(owners, threshold, infra);
  // SafeProxyFactory 1.4.1: salt = keccak256(abi.encodePacked(keccak256(initializer), saltNonce)),
  // init code = proxyCreationCode ‖ uint256(singleton).
  const salt = solidityPackedKeccak256(['bytes32', 'uint256'], [keccak256(initializer), saltNonce]);
  const initCode = concat([infra.proxyCreationCode, zeroPadValue(infra.singleton, 32)]);
  return {
    address: getCreate2Address(infra.proxyFactory, salt, keccak256(initCode)),
    factory: infra.proxyFactory,
    factoryCalldata: factoryInterface.encodeFunctionData('createProxyWithNonce', [infra.singleton, initializer, saltNonce]),
  };
}

/** Deploys the Safe of counterfactualSafe(...), sent by `sender` (default: owners[0], when it is a connected signer). */
export async function deploySafe(
  owners: Owners,
  threshold: number,
  infra: SafeInfrastructure,
  saltNonce: bigint,
  sender?: Signer,
): Promise<string> {
  const from = sender ?? (isSigner(owners[0]) ? owners[0] : undefined);
  if (from === undefined) throw new Error('deploySafe needs a sender: a signer connected to the chain');
  const safe = counterfactualSafe(owners, threshold, infra, saltNonce);
  const receipt = await (await from.sendTransaction({ to: safe.factory, data: safe.factoryCalldata })).wait();
  if (receipt === null || receipt.status !== 1) throw new Error('createProxyWithNonce failed');
  if ((await providerOf(from).getCode(safe.address)) === '0x') throw new Error(`no Safe at ${safe.address} after deploying it`);
  return safe.address;
}

function isSigner(value: unknown): value is Signer {
  return typeof value === 'object' && value !== null && typeof (value as Partial<Signer>).sendTransaction === 'function';
}

/** The hash the owners sign for the Safe's isValidSignature(dataHash, …): EIP-712 SafeMessage { message: dataHash }. */
export function safeMessageHash(safeAddress: string, chainId: number | bigint, dataHash: string): string {
  return TypedDataEncoder.hash(
    { chainId, verifyingContract: safeAddress },
    { SafeMessage: [{ name: 'message', type: 'bytes' }] },
    { message: AbiCoder.defaultAbiCoder().encode(['bytes32'], [dataHash]) },
  );
}

/** Owner signatures over safeMessageHash(dataHash), concatenated by owner address ascending, v = 27/28. */
export function safeSignHash(safeAddress: string, chainId: number | bigint, dataHash: string, signers: readonly BaseWallet[]): string {
  const digest = safeMessageHash(safeAddress, chainId, dataHash);
  const sorted = [...signers].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  return concat(sorted.map((signer) => signer.signingKey.sign(digest).serialized));
}

/** A signature the Safe accepts for isValidSignature(hashMessage(message), …) — an EIP-191 (personal_sign) message such as SIWE's. */
export function safeSignMessage(safeAddress: string, chainId: number | bigint, message: string, signers: readonly BaseWallet[]): string {
  return safeSignHash(safeAddress, chainId, hashMessage(message), signers);
}
