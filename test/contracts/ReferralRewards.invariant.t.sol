// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IReferralRewards} from "../../contracts/interfaces/IReferralRewards.sol";
import {ReferralRewardsHandler} from "./handlers/ReferralRewardsHandler.sol";
import {ReferralRewardsFixture} from "./utils/ReferralRewardsFixture.sol";

/// @notice Invariants of ReferralRewards under random operator payments (single and batched,
///         re-sent and duplicated orders), time, pauses, and calls from accounts without a role.
///         Run once per payout mode by the two concrete contracts below.
abstract contract ReferralRewardsInvariantBase is ReferralRewardsFixture {
    uint96 internal constant MAX_PER_PAYMENT = 1000e18;
    uint96 internal constant WINDOW_BUDGET = 2468e18;
    uint32 internal constant WINDOW_DURATION = 1 days;
    uint256 internal constant FUNDING = 100_000_000e18;

    ReferralRewardsHandler internal handler;

    function _mode() internal pure virtual returns (IReferralRewards.RewardMode);

    function setUp() public {
        vm.warp(1_750_000_000);
        if (_mode() == MINT) _setUpMint();
        else _setUpTransfer(FUNDING);
        _setLimits(MAX_PER_PAYMENT, WINDOW_BUDGET, WINDOW_DURATION);

        handler = new ReferralRewardsHandler(
            rewards, token, admin, operator, MAX_PER_PAYMENT, WINDOW_BUDGET, WINDOW_DURATION
        );

        bytes4[] memory selectors = new bytes4[](5);
        selectors[0] = ReferralRewardsHandler.payReferral.selector;
        selectors[1] = ReferralRewardsHandler.payReferralBatch.selector;
        selectors[2] = ReferralRewardsHandler.warp.selector;
        selectors[3] = ReferralRewardsHandler.pauseOrUnpause.selector;
        selectors[4] = ReferralRewardsHandler.callWithoutRole.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    /// @notice An orderRef is paid at most once, and paymentOf keeps the first payment.
    function invariant_orderPaidAtMostOnce() public view {
        bytes32[] memory orders = handler.orders();
        uint256 paid;
        for (uint256 i; i < orders.length; ++i) {
            uint256 count = handler.ghost_paidCount(orders[i]);
            assertLe(count, 1, "an order was paid twice");
            assertEq(
                rewards.paidOrders(orders[i]), count == 1, "paidOrders disagrees with ReferralPaid events"
            );
            (address referrer, uint96 amount) = rewards.paymentOf(orders[i]);
            if (count == 0) {
                assertEq(referrer, address(0));
                assertEq(amount, 0);
                continue;
            }
            ++paid;
            assertEq(
                referrer,
                handler.ghost_firstReferrer(orders[i]),
                "paymentOf referrer is not the first payment"
            );
            assertEq(
                amount, handler.ghost_firstAmount(orders[i]), "paymentOf amount is not the first payment"
            );
        }
        // Batches only ever use the pool, so the event log holds no other orders.
        assertEq(handler.paidOrdersCount(), paid);
    }

    /// @notice Tokens that left the system equal the sum of ReferralPaid amounts, per referrer too.
    function invariant_tokensOutEqualReferralPaid() public view {
        uint256 totalPaid = handler.ghost_totalPaid();
        if (_mode() == MINT) {
            assertEq(token.totalSupply(), totalPaid, "minted != paid");
            assertEq(token.balanceOf(address(rewards)), 0);
        } else {
            assertEq(token.totalSupply(), FUNDING, "TRANSFER mode minted");
            assertEq(FUNDING - token.balanceOf(address(rewards)), totalPaid, "transferred out != paid");
        }
        address[] memory referrers = handler.referrers();
        uint256 sum;
        for (uint256 i; i < referrers.length; ++i) {
            uint256 balance = token.balanceOf(referrers[i]);
            assertEq(
                balance, handler.ghost_paidTo(referrers[i]), "referrer balance != its ReferralPaid amounts"
            );
            sum += balance;
        }
        assertEq(sum, totalPaid, "tokens reached someone other than the referrers");
    }

    /// @notice No payment above the maximum, no window above its budget, windowState as modelled.
    function invariant_limitsNeverExceeded() public view {
        assertLe(handler.ghost_maxPayment(), MAX_PER_PAYMENT, "a payment exceeded maxPerPayment");
        assertLe(handler.ghost_maxWindowSpent(), WINDOW_BUDGET, "a window paid more than its budget");
        assertFalse(handler.ghost_windowMismatch(), "windowState disagrees with the model");
        (uint96 remaining, uint40 windowEnd) = rewards.windowState();
        assertLe(remaining, WINDOW_BUDGET);
        assertLe(windowEnd, block.timestamp + WINDOW_DURATION);
        (uint96 maxPerPayment, uint96 windowBudget, uint32 windowDuration) = rewards.limits();
        assertEq(maxPerPayment, MAX_PER_PAYMENT);
        assertEq(windowBudget, WINDOW_BUDGET);
        assertEq(windowDuration, WINDOW_DURATION);
    }

    /// @notice Accounts without a role never succeed and never change a balance.
    function invariant_noRoleNoBalanceChange() public view {
        assertFalse(handler.ghost_unauthorizedSucceeded(), "a call without a role succeeded");
        assertFalse(handler.ghost_unauthorizedWrongError(), "a call without a role failed for another reason");
        assertFalse(handler.ghost_unauthorizedChangedBalance(), "a call without a role changed a balance");
        assertTrue(rewards.hasRole(DEFAULT_ADMIN_ROLE, admin));
        assertTrue(rewards.hasRole(OPERATOR_ROLE, operator));
        assertEq(rewards.rewardToken(), address(token));
        assertEq(uint8(rewards.rewardMode()), uint8(_mode()));
        assertEq(rewards.version(), "1.0.0");
    }

    /// @notice Every operator call succeeded or failed exactly as the model predicted (liveness:
    ///         valid payments are not refused either).
    function invariant_outcomesMatchModel() public view {
        assertFalse(handler.ghost_unexpectedOutcome(), handler.ghost_unexpectedReason());
    }

    /// @dev Each run must have paid something, or the invariants above held vacuously.
    function afterInvariant() public view {
        assertGt(
            handler.ghost_singlePaid() + handler.ghost_batchesPaid(), 0, "no payment succeeded in this run"
        );
    }
}

contract ReferralRewardsMintInvariantTest is ReferralRewardsInvariantBase {
    function _mode() internal pure override returns (IReferralRewards.RewardMode) {
        return IReferralRewards.RewardMode.MINT;
    }
}

contract ReferralRewardsTransferInvariantTest is ReferralRewardsInvariantBase {
    function _mode() internal pure override returns (IReferralRewards.RewardMode) {
        return IReferralRewards.RewardMode.TRANSFER;
    }
}
