// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/*
 * TokenGateReader: every token gate of one chain in one eth_call, with nothing deployed.
 *
 * It is never deployed. Its creation code runs as a "deployless" eth_call (no `to`):
 *   eth_call { data: creationBytecode ++ abi.encode(address[] targets, bytes[] calls) }
 * The constructor makes each read, then RETURNS abi.encode(bytes[] answers) as if it were the
 * runtime code, so the eth_call's result is the answers; an eth_call's effects are thrown away.
 * No Multicall contract needs to exist on the chain, so any chain with an RPC works.
 *
 * For each i:
 *   calls[i] empty        → answers[i] = abi.encode(targets[i].balance) (the native balance);
 *   targets[i] has code   → a STATICCALL of calls[i] with at most CALL_GAS gas: its return data,
 *                           or empty bytes when it reverts (e.g. ownerOf of a token that does
 *                           not exist), so one gate's verdict never spoils the others;
 *   otherwise             → empty bytes (no contract at that address).
 * The caller reads a too-short answer as "not met".
 *
 * The creation bytecode is embedded in src/chain/token-gate-reader.ts (TOKEN_GATE_READER_BYTECODE);
 * test/chain/token-gate-reader.test.ts recompiles this file (settings of
 * test/support/chain/compile.ts: solc 0.8.30, optimizer 200 runs, evm cancun, source key
 * "contracts/TokenGateReader.sol") and asserts equality. Any edit here, comments included,
 * changes the appended metadata hash: regenerate with
 *   npx tsx test/support/chain/write-gate-reader-bytecode.ts
 */
contract TokenGateReader {
    /// Enough for any balanceOf / ownerOf; bounds what one misbehaving contract can burn.
    uint256 private constant CALL_GAS = 500_000;

    constructor(address[] memory targets, bytes[] memory calls) {
        require(targets.length == calls.length, "TokenGateReader: one call per target");
        bytes[] memory answers = new bytes[](targets.length);
        for (uint256 i = 0; i < targets.length; i++) {
            if (calls[i].length == 0) {
                answers[i] = abi.encode(targets[i].balance);
            } else if (targets[i].code.length > 0) {
                (bool ok, bytes memory data) = targets[i].staticcall{gas: CALL_GAS}(calls[i]);
                if (ok) answers[i] = data;
            }
        }
        bytes memory out = abi.encode(answers);
        assembly {
            return(add(out, 32), mload(out))
        }
    }
}
