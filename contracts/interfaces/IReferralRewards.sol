// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Referral payouts settled on-chain, each order paid at most once
interface IReferralRewards {
    /// @notice How rewards reach the referrer.
    /// @dev MINT calls the token's `mint` (the proxy needs the token's minter role);
    ///      TRANSFER pays from this contract's own token balance (a funded treasury).
    enum RewardMode {
        MINT,
        TRANSFER
    }

    /// @notice One entry of `payReferralBatch`.
    /// @param orderRef `keccak256(bytes(orderReference))`.
    /// @param payment `uint256(uint160(referrer)) << 96 | amount`, with `amount` a uint96: the word
    ///        stored for the order, so auditors read exactly what the operator sent.
    struct PackedPayout {
        bytes32 orderRef;
        uint256 payment;
    }

    /// @notice `orderRef` was paid `amount` to `referrer` (once, ever).
    event ReferralPaid(bytes32 indexed orderRef, address indexed referrer, uint256 amount);
    /// @notice A batch entry for an already-paid order was skipped. `referrer` and `amount` are the
    ///         entry as sent; what was actually paid stays in `paymentOf(orderRef)`.
    event ReferralPaymentSkipped(bytes32 indexed orderRef, address indexed referrer, uint256 amount);
    /// @notice Closes every batch: orders paid and skipped by it, and the amount paid in total.
    event ReferralBatchPaid(uint256 paid, uint256 skipped, uint256 totalAmount);
    event RewardTokenUpdated(address indexed previousToken, address indexed newToken, bool batchPayouts);
    event RewardModeUpdated(RewardMode previousMode, RewardMode newMode);
    event LimitsUpdated(uint96 maxPerPayment, uint96 windowBudget, uint32 windowDuration);
    event Paused(address account);
    event Unpaused(address account);
    event Rescued(address indexed token, address indexed to, uint256 amount);

    error ReferralRewards__AlreadyPaid(bytes32 orderRef);
    error ReferralRewards__ZeroAddress();
    error ReferralRewards__NotAContract(address token);
    error ReferralRewards__ZeroAmount();
    error ReferralRewards__AmountTooLarge(uint256 amount);
    error ReferralRewards__AboveMaxPerPayment(uint256 amount, uint256 maxPerPayment);
    error ReferralRewards__WindowBudgetExceeded(uint256 amount, uint256 remaining);
    error ReferralRewards__InvalidWindow(uint96 windowBudget, uint32 windowDuration);
    error ReferralRewards__EmptyBatch();
    error ReferralRewards__EnforcedPause();
    error ReferralRewards__ExpectedPause();

    /// @notice Pays `amount` reward tokens to `referrer` for the order `orderRef`, once.
    function payReferral(address referrer, uint256 amount, bytes32 orderRef) external;

    /// @notice Pays many orders in one transaction; already-paid orders are skipped with an event.
    function payReferralBatch(PackedPayout[] calldata payouts) external returns (uint256 paid);

    /// @notice Whether `orderRef` has been paid.
    function paidOrders(bytes32 orderRef) external view returns (bool);

    /// @notice The referrer and amount paid for `orderRef`; zeros when unpaid.
    function paymentOf(bytes32 orderRef) external view returns (address referrer, uint96 amount);
}
