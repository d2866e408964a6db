// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ReferralRewards} from "../../contracts/ReferralRewards.sol";
import {IReferralRewards} from "../../contracts/interfaces/IReferralRewards.sol";
import {PlainMintableToken} from "../../contracts/mocks/PlainMintableToken.sol";
import {ReferralRewardsFixture} from "./utils/ReferralRewardsFixture.sol";

/// @notice Fuzz tests: random referrers, amounts and order references through both pay paths, on
///         all four deployments (batch token / plain token x MINT / TRANSFER), the packed word
///         round-trip, and a differential model of the damage limits.
contract ReferralRewardsFuzzTest is ReferralRewardsFixture {
    // keccak256(abi.encode(uint256(keccak256("refcodes.storage.ReferralRewards")) - 1)) & ~bytes32(uint256(0xff))
    uint256 internal constant STORAGE_LOCATION =
        0xb44732e0140382b690d13eb73b2433aec9bcff5812bfae0f360c25dc09555400;
    uint256 internal constant PAYMENTS_SLOT = STORAGE_LOCATION + 3; // config, limits, window, payments
    uint256 internal constant FUNDING = 1e33; // above 50 x type(uint96).max

    struct Deployment {
        ReferralRewards rewards;
        IERC20 token;
        IReferralRewards.RewardMode mode;
    }

    Deployment[4] internal deployments;

    function setUp() public {
        _setUpMint();
        deployments[0] = Deployment(rewards, token, MINT);
        // Its own token, so the MINT deployment's totalSupply is exactly what it minted.
        IERC20 transferToken = _deployToken();
        ReferralRewards transferRewards = _deployRewards(address(transferToken), TRANSFER);
        _fund(address(transferToken), address(transferRewards), FUNDING);
        deployments[1] = Deployment(transferRewards, transferToken, TRANSFER);

        PlainMintableToken plain = _deployPlainToken();
        ReferralRewards plainMint = _deployRewards(address(plain), MINT);
        _grantMinter(address(plain), address(plainMint));
        deployments[2] = Deployment(plainMint, plain, MINT);
        PlainMintableToken plainTreasury = _deployPlainToken();
        ReferralRewards plainTransfer = _deployRewards(address(plainTreasury), TRANSFER);
        _fund(address(plainTreasury), address(plainTransfer), FUNDING);
        deployments[3] = Deployment(plainTransfer, plainTreasury, TRANSFER);
    }

    /// @dev Points the fixture's `rewards` at one of the four deployments.
    function _use(uint256 which) internal returns (Deployment memory d) {
        d = deployments[which % 4];
        rewards = d.rewards;
    }

    function _storedPayment(bytes32 orderRef) internal view returns (uint256) {
        return uint256(vm.load(address(rewards), keccak256(abi.encode(orderRef, PAYMENTS_SLOT))));
    }

    function _assumeReferrer(address referrer, Deployment memory d) internal view {
        // The treasury funds the TRANSFER deployments; the rest start without tokens.
        vm.assume(referrer != address(0) && referrer != address(d.rewards) && referrer != address(d.token));
        vm.assume(referrer != treasury);
    }

    /// @dev What left the system so far: minted in MINT mode, sent out of the proxy in TRANSFER mode.
    function _paidOut(Deployment memory d) internal view returns (uint256) {
        if (d.mode == MINT) return d.token.totalSupply();
        assertEq(d.token.totalSupply(), FUNDING);
        return FUNDING - d.token.balanceOf(address(d.rewards));
    }

    // ================================================================== payReferral

    function testFuzz_payReferral_paysAnyValidInput(
        uint256 which,
        address referrer,
        uint256 amount,
        bytes32 orderRef
    ) public {
        Deployment memory d = _use(which);
        _assumeReferrer(referrer, d);
        amount = bound(amount, 1, AMOUNT_MAX);
        uint256 outBefore = _paidOut(d);

        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralPaid(orderRef, referrer, amount);
        _pay(referrer, amount, orderRef);

        assertEq(d.token.balanceOf(referrer), amount);
        assertEq(_paidOut(d), outBefore + amount);
        assertTrue(rewards.paidOrders(orderRef));
        (address paidTo, uint96 paid) = rewards.paymentOf(orderRef);
        assertEq(paidTo, referrer);
        assertEq(paid, amount);
        assertEq(_storedPayment(orderRef), _pack(referrer, amount));

        // Never twice, whatever the second attempt says.
        vm.expectRevert(
            abi.encodeWithSelector(IReferralRewards.ReferralRewards__AlreadyPaid.selector, orderRef)
        );
        _pay(referrer == _referrer(1) ? _referrer(2) : _referrer(1), 1, orderRef);
        assertEq(_paidOut(d), outBefore + amount);
    }

    function testFuzz_payReferral_revertsWhenAmountTooLarge(
        address referrer,
        uint256 amount,
        bytes32 orderRef
    ) public {
        amount = bound(amount, AMOUNT_MAX + 1, type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(IReferralRewards.ReferralRewards__AmountTooLarge.selector, amount)
        );
        _pay(referrer, amount, orderRef);
        assertFalse(rewards.paidOrders(orderRef));
    }

    function testFuzz_payReferral_revertsForAnyNonOperator(address caller, address referrer, uint96 amount)
        public
    {
        vm.assume(caller != operator);
        vm.expectRevert(_unauthorized(caller, OPERATOR_ROLE));
        vm.prank(caller);
        rewards.payReferral(referrer, amount, _orderRef(1));
        assertFalse(rewards.paidOrders(_orderRef(1)));
        assertEq(token.totalSupply(), 0);
    }

    // ================================================================== packing round-trip

    /// @dev The batch word is stored as sent and `paymentOf` splits it back into its two halves.
    function testFuzz_paymentOf_roundTripsPackedWord(address referrer, uint96 amount, bytes32 orderRef)
        public
    {
        _assumeReferrer(referrer, deployments[0]);
        vm.assume(amount != 0);
        IReferralRewards.PackedPayout[] memory payouts = new IReferralRewards.PackedPayout[](1);
        payouts[0] = IReferralRewards.PackedPayout(orderRef, _pack(referrer, amount));

        assertEq(_payBatch(payouts), 1);

        (address paidTo, uint96 paid) = rewards.paymentOf(orderRef);
        assertEq(paidTo, referrer);
        assertEq(paid, amount);
        assertEq(_storedPayment(orderRef), payouts[0].payment);
        assertEq(token.balanceOf(referrer), amount);
    }

    function testFuzz_paymentOf_unpaidIsZero(bytes32 orderRef) public view {
        (address paidTo, uint96 paid) = rewards.paymentOf(orderRef);
        assertEq(paidTo, address(0));
        assertEq(paid, 0);
        assertFalse(rewards.paidOrders(orderRef));
    }

    // ================================================================== payReferralBatch

    struct BatchModel {
        bytes32[] paidRefs; // orderRefs paid so far (before and during the batch)
        uint256 paidCount;
        address[] referrers;
        uint256[] expectedBalance; // per referrer
        uint256 total;
        uint256 newlyPaid;
    }

    function _isPaid(BatchModel memory m, bytes32 orderRef) internal pure returns (bool) {
        for (uint256 i; i < m.paidCount; ++i) {
            if (m.paidRefs[i] == orderRef) return true;
        }
        return false;
    }

    /// @dev Random batches of 1..50 with repeated referrers, orders paid before the batch and orders
    ///      repeated inside it: exactly the unpaid orders are paid, once, in order; the rest skipped.
    function testFuzz_payReferralBatch_paysEachUnpaidOrderOnce(uint256 which, uint256 seed, uint256 size)
        public
    {
        Deployment memory d = _use(which);
        size = bound(size, 1, 50);
        BatchModel memory m;
        m.paidRefs = new bytes32[](2 * size + 4);
        m.referrers = new address[](6);
        m.expectedBalance = new uint256[](6);
        for (uint256 i; i < 6; ++i) {
            m.referrers[i] = address(uint160(uint256(keccak256(abi.encode(seed, "referrer", i)))));
        }
        uint256 pool = size / 2 + 1; // order pool smaller than the batch: duplicates are common

        // Some orders were paid before (one by a referrer outside the pool).
        uint256 prepaid = uint256(keccak256(abi.encode(seed, "prepaid"))) % (pool + 1);
        address outsider = address(uint160(uint256(keccak256(abi.encode(seed, "outsider")))));
        for (uint256 i; i < prepaid; ++i) {
            bytes32 orderRef = keccak256(abi.encode(seed, "order", i));
            _pay(outsider, i + 1, orderRef);
            m.paidRefs[m.paidCount++] = orderRef;
        }
        uint256 outBefore = _paidOut(d);

        IReferralRewards.PackedPayout[] memory payouts = new IReferralRewards.PackedPayout[](size);
        bool[] memory expectPaid = new bool[](size);
        for (uint256 i; i < size; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            bytes32 orderRef = keccak256(abi.encode(seed, "order", r % pool));
            uint256 who = (r >> 16) % 6;
            uint256 amount = bound(r >> 32, 1, AMOUNT_MAX);
            payouts[i] = _payout(orderRef, m.referrers[who], amount);
            if (!_isPaid(m, orderRef)) {
                expectPaid[i] = true;
                m.paidRefs[m.paidCount++] = orderRef;
                m.expectedBalance[who] += amount;
                m.total += amount;
                ++m.newlyPaid;
            }
        }

        vm.recordLogs();
        uint256 paid = _payBatch(payouts);
        Vm.Log[] memory logs = vm.getRecordedLogs();

        assertEq(paid, m.newlyPaid);
        assertEq(_paidOut(d), outBefore + m.total);
        for (uint256 i; i < 6; ++i) {
            assertEq(d.token.balanceOf(m.referrers[i]), m.expectedBalance[i]);
        }
        _assertBatchLogs(logs, payouts, expectPaid, m);

        // Every order in the batch is paid now, with the first entry that claimed it.
        for (uint256 i; i < size; ++i) {
            assertTrue(rewards.paidOrders(payouts[i].orderRef));
            if (expectPaid[i]) assertEq(_storedPayment(payouts[i].orderRef), payouts[i].payment);
        }
    }

    /// @dev The proxy's own logs, in order: one Paid or Skipped per entry, then the summary.
    function _assertBatchLogs(
        Vm.Log[] memory logs,
        IReferralRewards.PackedPayout[] memory payouts,
        bool[] memory expectPaid,
        BatchModel memory m
    ) internal view {
        uint256 j;
        for (uint256 k; k < logs.length; ++k) {
            if (logs[k].emitter != address(rewards)) continue;
            if (j < payouts.length) {
                bytes32 topic = expectPaid[j]
                    ? IReferralRewards.ReferralPaid.selector
                    : IReferralRewards.ReferralPaymentSkipped.selector;
                assertEq(logs[k].topics[0], topic);
                assertEq(logs[k].topics[1], payouts[j].orderRef);
                assertEq(logs[k].topics[2], bytes32(payouts[j].payment >> 96));
                assertEq(logs[k].data, abi.encode(payouts[j].payment & AMOUNT_MAX));
            } else {
                assertEq(logs[k].topics[0], IReferralRewards.ReferralBatchPaid.selector);
                assertEq(logs[k].data, abi.encode(m.newlyPaid, payouts.length - m.newlyPaid, m.total));
            }
            ++j;
        }
        assertEq(j, payouts.length + 1);
    }

    /// @dev One invalid entry anywhere reverts the whole batch with that entry's precise error.
    function testFuzz_payReferralBatch_revertsOnInvalidEntry(
        uint256 which,
        uint256 seed,
        uint256 size,
        uint256 invalidIndex,
        uint8 kind
    ) public {
        Deployment memory d = _use(which);
        size = bound(size, 1, 50);
        invalidIndex = bound(invalidIndex, 0, size - 1);
        uint96 maxPerPayment = 1_000_000e18;
        _setLimits(maxPerPayment, 0, 0);
        uint256 outBefore = _paidOut(d);

        IReferralRewards.PackedPayout[] memory payouts = new IReferralRewards.PackedPayout[](size);
        for (uint256 i; i < size; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            payouts[i] = _payout(
                keccak256(abi.encode(seed, "order", i)), _referrer(r % 7), bound(r, 1, maxPerPayment)
            );
        }
        uint256 r2 = uint256(keccak256(abi.encode(seed, "invalid")));
        bytes memory expected;
        kind %= 4;
        if (kind == 0) {
            payouts[invalidIndex].payment = _pack(address(0), bound(r2, 0, AMOUNT_MAX));
            expected = abi.encodeWithSelector(IReferralRewards.ReferralRewards__ZeroAddress.selector);
        } else if (kind == 1) {
            payouts[invalidIndex].payment = _pack(_referrer(r2), 0);
            expected = abi.encodeWithSelector(IReferralRewards.ReferralRewards__ZeroAmount.selector);
        } else if (kind == 2) {
            uint256 amount = bound(r2, uint256(maxPerPayment) + 1, AMOUNT_MAX);
            payouts[invalidIndex].payment = _pack(_referrer(r2), amount);
            expected = abi.encodeWithSelector(
                IReferralRewards.ReferralRewards__AboveMaxPerPayment.selector, amount, maxPerPayment
            );
        } else {
            payouts[invalidIndex].payment = 0;
            expected = abi.encodeWithSelector(IReferralRewards.ReferralRewards__ZeroAddress.selector);
        }

        vm.expectRevert(expected);
        _payBatch(payouts);

        assertEq(_paidOut(d), outBefore);
        for (uint256 i; i < size; ++i) {
            assertFalse(rewards.paidOrders(payouts[i].orderRef));
        }
    }

    // ================================================================== limits

    struct LimitsModel {
        uint96 maxPerPayment;
        uint96 budget;
        uint32 duration;
        uint256 windowEnd; // 0 = no budget
        uint256 remaining;
        uint256 windowStart;
        uint256 spentInWindow;
        uint256 paidTotal;
        uint256 orderCounter;
    }

    /// @dev The model's verdict for charging `total` now: the error it expects ("" = success).
    function _expectedWindowError(LimitsModel memory m, uint256 total) internal view returns (bytes memory) {
        if (m.windowEnd == 0 || total == 0) return "";
        uint256 remaining = block.timestamp >= m.windowEnd ? m.budget : m.remaining;
        if (total > remaining) {
            return abi.encodeWithSelector(
                IReferralRewards.ReferralRewards__WindowBudgetExceeded.selector, total, remaining
            );
        }
        return "";
    }

    function _charge(LimitsModel memory m, uint256 total) internal view {
        if (m.windowEnd == 0 || total == 0) return;
        if (block.timestamp >= m.windowEnd) {
            m.windowStart = block.timestamp;
            m.windowEnd = block.timestamp + m.duration;
            m.remaining = m.budget;
            m.spentInWindow = 0;
        }
        m.remaining -= total;
        m.spentInWindow += total;
    }

    /// @dev Random limits, then random payments (single and batched, some above the maximum) at
    ///      random times. The contract must accept exactly what the model accepts, so no payment
    ///      exceeds the maximum and no window pays more than its budget.
    function testFuzz_limits_neverExceeded(uint256 seed, uint96 maxPerPayment, uint96 budget, uint32 duration)
        public
    {
        LimitsModel memory m;
        if (seed % 4 == 0) maxPerPayment = 0;
        else maxPerPayment = uint96(bound(maxPerPayment, 1, 1e24));
        if (seed % 5 == 0) {
            (budget, duration) = (0, 0);
        } else {
            budget = uint96(bound(budget, 1, 5e24));
            duration = uint32(bound(duration, 1, 30 days));
        }
        if (maxPerPayment == 0 && budget == 0) maxPerPayment = 1e21;
        _setLimits(maxPerPayment, budget, duration);
        (m.maxPerPayment, m.budget, m.duration) = (maxPerPayment, budget, duration);
        if (budget != 0) {
            (m.windowStart, m.windowEnd, m.remaining) = (block.timestamp, block.timestamp + duration, budget);
        }

        uint256 scale =
            maxPerPayment != 0 ? uint256(maxPerPayment) + maxPerPayment / 4 : uint256(budget) / 2 + 1;
        for (uint256 step; step < 30; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            // Time passes: a fraction of a window, or exactly to its end.
            if (m.windowEnd > block.timestamp && r % 7 == 0) {
                vm.warp(m.windowEnd);
            } else {
                vm.warp(block.timestamp + bound(r >> 8, 0, duration != 0 ? uint256(duration) / 3 : 1 days));
            }

            if ((r >> 64) % 3 == 0) _stepBatch(m, r, scale);
            else _stepSingle(m, r, scale);

            assertLe(m.spentInWindow, budget == 0 ? type(uint256).max : budget);
            (uint96 remaining, uint40 windowEnd) = rewards.windowState();
            if (budget == 0) {
                assertEq(remaining, type(uint96).max);
                assertEq(windowEnd, 0);
            } else if (block.timestamp >= m.windowEnd) {
                assertEq(remaining, budget);
                assertEq(windowEnd, 0);
            } else {
                assertEq(remaining, m.remaining);
                assertEq(windowEnd, m.windowEnd);
            }
        }
        assertEq(token.totalSupply(), m.paidTotal);
    }

    function _stepSingle(LimitsModel memory m, uint256 r, uint256 scale) internal {
        uint256 amount = bound(r >> 96, 1, scale);
        bytes32 orderRef = _orderRef(m.orderCounter++);
        bytes memory expected;
        if (m.maxPerPayment != 0 && amount > m.maxPerPayment) {
            expected = abi.encodeWithSelector(
                IReferralRewards.ReferralRewards__AboveMaxPerPayment.selector, amount, m.maxPerPayment
            );
        } else {
            expected = _expectedWindowError(m, amount);
        }

        if (expected.length != 0) vm.expectRevert(expected);
        _pay(_referrer(r % 5), amount, orderRef);
        if (expected.length == 0) {
            assertLe(amount, m.maxPerPayment == 0 ? AMOUNT_MAX : m.maxPerPayment);
            _charge(m, amount);
            m.paidTotal += amount;
        }
        assertEq(rewards.paidOrders(orderRef), expected.length == 0);
    }

    function _stepBatch(LimitsModel memory m, uint256 r, uint256 scale) internal {
        uint256 size = bound(r >> 128, 1, 5);
        IReferralRewards.PackedPayout[] memory payouts = new IReferralRewards.PackedPayout[](size);
        uint256 total;
        bytes memory expected;
        for (uint256 i; i < size; ++i) {
            uint256 ri = uint256(keccak256(abi.encode(r, i)));
            // Mostly valid entries: a batch with one above the maximum reverts entirely.
            uint256 amount = bound(ri, 1, ri % 8 == 0 ? scale : (scale * 4) / 5 + 1);
            payouts[i] = _payout(_orderRef(m.orderCounter++), _referrer(ri % 5), amount);
            if (expected.length == 0 && m.maxPerPayment != 0 && amount > m.maxPerPayment) {
                expected = abi.encodeWithSelector(
                    IReferralRewards.ReferralRewards__AboveMaxPerPayment.selector, amount, m.maxPerPayment
                );
            }
            total += amount;
        }
        if (expected.length == 0) expected = _expectedWindowError(m, total);

        if (expected.length != 0) {
            vm.expectRevert(expected);
            _payBatch(payouts);
        } else {
            assertEq(_payBatch(payouts), size);
            _charge(m, total);
            m.paidTotal += total;
        }
        for (uint256 i; i < size; ++i) {
            assertEq(rewards.paidOrders(payouts[i].orderRef), expected.length == 0);
        }
    }
}
