// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Batch payouts on the token side
/// @notice A reward token that implements this (and reports it through ERC-165) lets
///         `ReferralRewards` pay a whole batch with one call instead of one call per payout.
/// @dev Each word packs a payee and an amount: `uint256(uint160(payee)) << 96 | amount`,
///      the same word `ReferralRewards` stores per order.
interface IBatchPayoutToken {
    /// @notice Mints every packed amount to its payee. Caller needs the token's minter role.
    /// @param payments Packed `(payee << 96) | amount` words.
    function mintBatch(uint256[] calldata payments) external;

    /// @notice Transfers every packed amount from the caller's balance to its payee.
    /// @param payments Packed `(payee << 96) | amount` words.
    function transferBatch(uint256[] calldata payments) external;
}
