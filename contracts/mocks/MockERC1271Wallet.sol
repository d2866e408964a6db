// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title MockERC1271Wallet (test fixture)
/// @notice A minimal contract wallet: a signature is valid when its owner's ECDSA key signed the
///         hash itself (for SIWE, the EIP-191 hash of the message). Stands in for a smart account.
contract MockERC1271Wallet is IERC1271 {
    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecover(hash, signature);
        if (error == ECDSA.RecoverError.NoError && signer == owner) {
            return IERC1271.isValidSignature.selector;
        }
        return 0xffffffff;
    }
}

/// @title MockERC1271WalletFactory (test fixture)
/// @notice Deploys MockERC1271Wallets with CREATE2, so a wallet's address is known before it exists:
///         the counterfactual case of ERC-6492.
contract MockERC1271WalletFactory {
    event Deployed(address wallet, address owner, bytes32 salt);

    /// @notice Deploys the wallet of `owner` for `salt` (idempotent: returns it if it exists).
    function deploy(address owner, bytes32 salt) external returns (address wallet) {
        wallet = walletAddress(owner, salt);
        if (wallet.code.length > 0) return wallet;
        wallet = address(new MockERC1271Wallet{salt: salt}(owner));
        emit Deployed(wallet, owner, salt);
    }

    /// @notice The address `deploy(owner, salt)` creates.
    function walletAddress(address owner, bytes32 salt) public view returns (address) {
        bytes32 codeHash =
            keccak256(abi.encodePacked(type(MockERC1271Wallet).creationCode, abi.encode(owner)));
        return
            address(
                uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, codeHash))))
            );
    }
}
