// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/*
 * ERC-6492 universal signature validator, written after the "Reference Implementation"
 * section of https://eips.ethereum.org/EIPS/eip-6492 (status Final). It validates, in the
 * order the EIP prescribes:
 *   1. an ERC-6492 wrapped signature (ends in the 32-byte magic suffix 0x6492…6492):
 *      call the factory (or "prepare" target) with its calldata, then ERC-1271 on the signer;
 *   2. an ERC-1271 signature of an address that has code (contracts, EIP-7702 delegated EOAs);
 *   3. a 65-byte ecrecover signature of an address without code.
 * Same behaviour as the reference (including the "prepare" retry of a wrapped signature
 * whose signer already has code); the decoding / factory call and the ecrecover step are
 * private functions only so that the legacy (non-IR) code generator does not run out of stack.
 *
 * ValidateSigOffchain is the deployless helper: its constructor runs the validation and
 * RETURNS one byte, 0x01 (valid) or 0x00 (invalid), as the "runtime code", so
 *   eth_call { data: creationBytecode ++ abi.encode(address signer, bytes32 hash, bytes signature) }
 * (no `to`) answers 0x01 / 0x00 without any contract on the chain. Reverts inside
 * (ERC1271Revert, ERC6492CallFailed, ERC6492DeploySilentlyFailed, or the string errors of
 * the ecrecover path) propagate as a revert of that eth_call.
 *
 * The creation bytecode of ValidateSigOffchain is embedded in src/chain/universal-validator.ts
 * (VALIDATE_SIG_OFFCHAIN_BYTECODE); test/chain/universal-validator.test.ts recompiles this
 * file and asserts equality. Compiler settings (test/support/chain/compile.ts):
 *   solc 0.8.30 (npm "solc" 0.8.30, soljson), standard JSON input,
 *   source key "contracts/UniversalSigValidator.sol" (the metadata hash appended to the
 *   bytecode covers this file's exact bytes, comments included: any edit changes the constant),
 *   settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" },
 *   everything else default (no viaIR, metadata bytecodeHash "ipfs", CBOR appended).
 */

/// ERC-1271 interface.
interface IERC1271Wallet {
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4 magicValue);
}

/// The signer's isValidSignature reverted; carries its revert data.
error ERC1271Revert(bytes error);
/// The ERC-6492 factory / prepare call failed; carries its revert data.
error ERC6492CallFailed(bytes error);
/// The ERC-6492 factory call succeeded but left no code at the signer's address.
error ERC6492DeploySilentlyFailed();

contract UniversalSigValidator {
    bytes32 private constant ERC6492_DETECTION_SUFFIX = 0x6492649264926492649264926492649264926492649264926492649264926492;
    bytes4 private constant ERC1271_SUCCESS = 0x1626ba7e;

    /// @param allowSideEffects when false and a factory call was made, the result is reported
    ///        through a one-byte revert (0x01 / 0x00) so that the deployment is undone.
    /// @param tryPrepare when true, the ERC-6492 prefix is treated as a "prepare" call and made
    ///        even though the signer already has code.
    function isValidSigImpl(
        address _signer,
        bytes32 _hash,
        bytes calldata _signature,
        bool allowSideEffects,
        bool tryPrepare
    ) public returns (bool) {
        uint256 contractCodeLen = _signer.code.length;
        bytes memory sigToValidate;

        // 1. ERC-6492 first, permissive when the contract is already deployed (the deployed
        //    version is then asked, which honours key rotation).
        bool isCounterfactual = _signature.length >= 32
            && bytes32(_signature[_signature.length - 32:_signature.length]) == ERC6492_DETECTION_SUFFIX;
        bool makingACall = contractCodeLen == 0 || tryPrepare;
        bytes memory callErr;
        bool callSuccess;
        if (isCounterfactual) {
            (sigToValidate, callSuccess, callErr) = unwrapAndCall(_signature, makingACall);

            if (_signer.code.length == 0) {
                if (!callSuccess) revert ERC6492CallFailed(callErr);
                revert ERC6492DeploySilentlyFailed();
            }
        } else {
            sigToValidate = _signature;
        }

        // 2. ERC-1271 when there is (now) code at the signer's address.
        if (isCounterfactual || contractCodeLen > 0) {
            try IERC1271Wallet(_signer).isValidSignature(_hash, sigToValidate) returns (bytes4 magicValue) {
                bool isValid = magicValue == ERC1271_SUCCESS;

                // Deployed already and the signature failed: retry, taking the prefix as a prepare call.
                if (!isValid && !tryPrepare && contractCodeLen > 0 && isCounterfactual) {
                    return isValidSigImpl(_signer, _hash, _signature, allowSideEffects, true);
                }
                // The prepare call was tried and failed.
                if (!isValid && tryPrepare && !callSuccess) revert ERC6492CallFailed(callErr);

                // A call with side effects was made and they are not wanted: report through a
                // one-byte revert, which undoes them.
                if (makingACall && isCounterfactual && !allowSideEffects) {
                    assembly {
                        mstore(0, isValid)
                        revert(31, 1)
                    }
                }

                return isValid;
            } catch (bytes memory err) {
                if (!tryPrepare && contractCodeLen > 0 && isCounterfactual) {
                    return isValidSigImpl(_signer, _hash, _signature, allowSideEffects, true);
                }
                if (tryPrepare && !callSuccess) revert ERC6492CallFailed(callErr);
                revert ERC1271Revert(err);
            }
        }

        // 3. ecrecover for an address without code.
        return isValidEcrecover(_signer, _hash, _signature);
    }

    /// Decodes an ERC-6492 wrapper (address factory, bytes factoryCalldata, bytes signature) ++ suffix
    /// and, when asked, calls the factory (or prepare target). Split out of isValidSigImpl only to
    /// keep its stack shallow enough for the legacy (non-IR) code generator.
    function unwrapAndCall(bytes calldata _signature, bool makingACall)
        private
        returns (bytes memory sigToValidate, bool callSuccess, bytes memory callErr)
    {
        address create2Factory;
        bytes memory factoryCalldata;
        (create2Factory, factoryCalldata, sigToValidate) =
            abi.decode(_signature[0:_signature.length - 32], (address, bytes, bytes));
        if (makingACall) {
            (callSuccess, callErr) = create2Factory.call(factoryCalldata);
        }
    }

    /// A 65-byte (r, s, v) signature, v 27 or 28, recovering to _signer. Split out for the same reason.
    function isValidEcrecover(address _signer, bytes32 _hash, bytes calldata _signature) private pure returns (bool) {
        require(_signature.length == 65, "SignatureValidator#recoverSigner: invalid signature length");
        bytes32 r = bytes32(_signature[0:32]);
        bytes32 s = bytes32(_signature[32:64]);
        uint8 v = uint8(_signature[64]);
        if (v != 27 && v != 28) {
            revert("SignatureValidator: invalid signature v value");
        }
        return ecrecover(_hash, v, r, s) == _signer;
    }

    /// Validates and keeps side effects (a counterfactual wallet stays deployed). Not reentrancy-safe.
    function isValidSigWithSideEffects(address _signer, bytes32 _hash, bytes calldata _signature) external returns (bool) {
        return this.isValidSigImpl(_signer, _hash, _signature, true, false);
    }

    /// Validates without side effects: a deployment made for the check is undone.
    function isValidSig(address _signer, bytes32 _hash, bytes calldata _signature) external returns (bool) {
        try this.isValidSigImpl(_signer, _hash, _signature, false, false) returns (bool isValid) {
            return isValid;
        } catch (bytes memory error) {
            // A one-byte revert is the result of a call made with side effects undone.
            uint256 len = error.length;
            if (len == 1) return error[0] == 0x01;
            // Every other error is forwarded as it came (custom errors never have one byte).
            assembly {
                revert(add(error, 0x20), len)
            }
        }
    }
}

/// Deployless validation: eth_call with data = creation code ++ abi.encode(signer, hash, signature)
/// returns 0x01 (valid) or 0x00 (invalid).
contract ValidateSigOffchain {
    constructor(address _signer, bytes32 _hash, bytes memory _signature) {
        UniversalSigValidator validator = new UniversalSigValidator();
        bool isValidSig = validator.isValidSigWithSideEffects(_signer, _hash, _signature);
        assembly {
            mstore(0, isValidSig)
            return(31, 1)
        }
    }
}
