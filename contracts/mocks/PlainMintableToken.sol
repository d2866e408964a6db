// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title PlainMintableToken (test fixture)
/// @notice A minter-role ERC-20 without batch payouts or ERC-165 for IBatchPayoutToken, like a
///         token a host platform already has: ReferralRewards must fall back to one call per payout.
contract PlainMintableToken is ERC20, AccessControl {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    constructor(address admin) ERC20("Plain", "PLN") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Creates `amount` tokens for `to`.
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }
}
