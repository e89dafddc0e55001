// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ERC721URIStorage, ERC721} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";

/** An NFT for ENSIP-12 avatars (eip155:<chain>/erc721:<this>/<id>): anyone mints, with the token's metadata URI. */
contract AvatarNft is ERC721URIStorage {
    constructor() ERC721("Avatar", "AVATAR") {}

    function mint(address to, uint256 tokenId, string calldata uri) external {
        _mint(to, tokenId);
        _setTokenURI(tokenId, uri);
    }
}
