// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/*
 * A minimal ENS for tests, written from the standards' interfaces:
 *   EIP-137  the registry (owner, resolver, ttl of a node; owners create subnodes) and a resolver's addr();
 *   EIP-181  reverse resolution: `<address in lowercase hex>.addr.reverse`, claimed by its address through
 *            the reverse registrar, whose name() record says the address's primary name;
 *   EIP-634  text records (the `avatar` key of ENSIP-12);
 *   EIP-165  supportsInterface on every resolver;
 *   ENSIP-10 an extended resolver, resolve(dnsName, data), answering for every name below the one it is set on.
 */

contract TestEnsRegistry {
    struct Record {
        address owner;
        address resolver;
        uint64 ttl;
    }

    mapping(bytes32 => Record) private records;

    event NewOwner(bytes32 indexed node, bytes32 indexed label, address owner);
    event Transfer(bytes32 indexed node, address owner);
    event NewResolver(bytes32 indexed node, address resolver);
    event NewTTL(bytes32 indexed node, uint64 ttl);

    modifier onlyOwnerOf(bytes32 node) {
        require(records[node].owner == msg.sender, "not the owner of the node");
        _;
    }

    constructor() {
        records[bytes32(0)].owner = msg.sender;
    }

    function owner(bytes32 node) external view returns (address) {
        return records[node].owner;
    }

    function resolver(bytes32 node) external view returns (address) {
        return records[node].resolver;
    }

    function ttl(bytes32 node) external view returns (uint64) {
        return records[node].ttl;
    }

    function setOwner(bytes32 node, address newOwner) external onlyOwnerOf(node) {
        records[node].owner = newOwner;
        emit Transfer(node, newOwner);
    }

    function setSubnodeOwner(bytes32 node, bytes32 label, address newOwner) external onlyOwnerOf(node) returns (bytes32 subnode) {
        subnode = keccak256(abi.encodePacked(node, label));
        records[subnode].owner = newOwner;
        emit NewOwner(node, label, newOwner);
    }

    function setResolver(bytes32 node, address newResolver) external onlyOwnerOf(node) {
        records[node].resolver = newResolver;
        emit NewResolver(node, newResolver);
    }

    function setTTL(bytes32 node, uint64 newTtl) external onlyOwnerOf(node) {
        records[node].ttl = newTtl;
        emit NewTTL(node, newTtl);
    }
}

/** addr (EIP-137), name (EIP-181) and text (EIP-634) records, set by the node's owner in the registry. */
contract TestPublicResolver {
    TestEnsRegistry private immutable ens;
    mapping(bytes32 => address) private addresses;
    mapping(bytes32 => string) private names;
    mapping(bytes32 => mapping(string => string)) private texts;

    event AddrChanged(bytes32 indexed node, address a);
    event NameChanged(bytes32 indexed node, string name);
    event TextChanged(bytes32 indexed node, string indexed indexedKey, string key);

    modifier onlyOwnerOf(bytes32 node) {
        require(ens.owner(node) == msg.sender, "not the owner of the node");
        _;
    }

    constructor(TestEnsRegistry registry) {
        ens = registry;
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == 0x01ffc9a7 // EIP-165
            || interfaceId == 0x3b3b57de // addr(bytes32)
            || interfaceId == 0x691f3431 // name(bytes32)
            || interfaceId == 0x59d1d43c; // text(bytes32,string)
    }

    function addr(bytes32 node) external view returns (address) {
        return addresses[node];
    }

    function name(bytes32 node) external view returns (string memory) {
        return names[node];
    }

    function text(bytes32 node, string calldata key) external view returns (string memory) {
        return texts[node][key];
    }

    function setAddr(bytes32 node, address a) external onlyOwnerOf(node) {
        addresses[node] = a;
        emit AddrChanged(node, a);
    }

    function setName(bytes32 node, string calldata newName) external onlyOwnerOf(node) {
        names[node] = newName;
        emit NameChanged(node, newName);
    }

    function setText(bytes32 node, string calldata key, string calldata value) external onlyOwnerOf(node) {
        texts[node][key] = value;
        emit TextChanged(node, key, key);
    }
}

/**
 * EIP-181's reverse registrar, owner of `addr.reverse`: an address claims its own reverse node and sets
 * its primary name in the default resolver with setName().
 */
contract TestReverseRegistrar {
    /** namehash("addr.reverse") */
    bytes32 public constant ADDR_REVERSE_NODE = 0x91d1777781884d03a6757a803996e38de2a42967fb37eeaca72729271025a9e2;

    TestEnsRegistry private immutable ens;
    TestPublicResolver public immutable defaultResolver;

    constructor(TestEnsRegistry registry, TestPublicResolver resolver) {
        ens = registry;
        defaultResolver = resolver;
    }

    /** Gives the caller's reverse node to `newOwner`. */
    function claim(address newOwner) external returns (bytes32) {
        return claimWithResolver(newOwner, address(0));
    }

    /** Gives the caller's reverse node to `newOwner`, with `resolver` as its resolver unless it is zero. */
    function claimWithResolver(address newOwner, address resolver) public returns (bytes32 reverseNode) {
        bytes32 label = sha3HexAddress(msg.sender);
        reverseNode = keccak256(abi.encodePacked(ADDR_REVERSE_NODE, label));
        address current = ens.owner(reverseNode);
        if (resolver != address(0) && resolver != ens.resolver(reverseNode)) {
            if (current != address(this)) {
                ens.setSubnodeOwner(ADDR_REVERSE_NODE, label, address(this));
                current = address(this);
            }
            ens.setResolver(reverseNode, resolver);
        }
        if (current != newOwner) ens.setSubnodeOwner(ADDR_REVERSE_NODE, label, newOwner);
    }

    /** Sets the caller's primary name in the default resolver (the registrar keeps the reverse node). */
    function setName(string calldata newName) external returns (bytes32 reverseNode) {
        reverseNode = claimWithResolver(address(this), address(defaultResolver));
        defaultResolver.setName(reverseNode, newName);
    }

    function node(address a) external pure returns (bytes32) {
        return keccak256(abi.encodePacked(ADDR_REVERSE_NODE, sha3HexAddress(a)));
    }

    /** keccak256 of the address as 40 lowercase hexadecimal ASCII characters, no 0x. */
    function sha3HexAddress(address a) public pure returns (bytes32) {
        bytes memory digits = "0123456789abcdef";
        bytes memory hex40 = new bytes(40);
        uint160 value = uint160(a);
        for (uint256 i = 40; i > 0; i--) {
            hex40[i - 1] = digits[value & 0xf];
            value >>= 4;
        }
        return keccak256(hex40);
    }
}

/**
 * ENSIP-10: an extended resolver set on a parent name, answering addr(bytes32) and text(bytes32,string) for any
 * name below it through resolve(dnsName, data), from records kept by the DNS-encoded name's hash.
 */
contract TestWildcardResolver {
    address private immutable admin;
    mapping(bytes32 => address) private addresses;
    mapping(bytes32 => mapping(string => string)) private texts;

    constructor() {
        admin = msg.sender;
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == 0x01ffc9a7 || interfaceId == 0x9061b923; // EIP-165, ENSIP-10 resolve(bytes,bytes)
    }

    function setRecords(bytes calldata dnsName, address a, string calldata avatar) external {
        require(msg.sender == admin, "not the admin");
        addresses[keccak256(dnsName)] = a;
        texts[keccak256(dnsName)]["avatar"] = avatar;
    }

    function resolve(bytes calldata dnsName, bytes calldata data) external view returns (bytes memory) {
        bytes4 selector = bytes4(data[:4]);
        bytes32 key = keccak256(dnsName);
        if (selector == 0x3b3b57de) return abi.encode(addresses[key]); // addr(bytes32)
        if (selector == 0x59d1d43c) {
            (, string memory textKey) = abi.decode(data[4:], (bytes32, string));
            return abi.encode(texts[key][textKey]);
        }
        revert("unsupported record");
    }
}
