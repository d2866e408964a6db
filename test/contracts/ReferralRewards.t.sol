// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC1967} from "@openzeppelin/contracts/interfaces/IERC1967.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

import {ReferralRewards} from "../../contracts/ReferralRewards.sol";
import {RewardToken} from "../../contracts/RewardToken.sol";
import {IReferralRewards} from "../../contracts/interfaces/IReferralRewards.sol";
import {PlainMintableToken} from "../../contracts/mocks/PlainMintableToken.sol";
import {ReferralRewardsV2} from "../../contracts/mocks/ReferralRewardsV2.sol";
import {ReferralRewardsFixture} from "./utils/ReferralRewardsFixture.sol";

/// @notice Unit tests: every external function, custom error and role path of ReferralRewards.
///         `setUp` deploys MINT mode with the batch-capable RewardToken; TRANSFER-mode and
///         fallback-token tests deploy their own proxy.
contract ReferralRewardsTest is ReferralRewardsFixture {
    address internal alice = _referrer(1);
    address internal bob = _referrer(2);
    address internal carol = _referrer(3);

    uint256 internal constant FUNDING = 1_000_000e18;

    function setUp() public {
        _setUpMint();
    }

    // ================================================================== initialize

    function test_initialize_setsRolesTokenAndMode() public view {
        assertTrue(rewards.hasRole(DEFAULT_ADMIN_ROLE, admin));
        assertTrue(rewards.hasRole(OPERATOR_ROLE, operator));
        assertFalse(rewards.hasRole(OPERATOR_ROLE, admin));
        assertFalse(rewards.hasRole(DEFAULT_ADMIN_ROLE, operator));
        assertEq(rewards.OPERATOR_ROLE(), keccak256("OPERATOR_ROLE"));
        assertEq(rewards.getRoleAdmin(OPERATOR_ROLE), DEFAULT_ADMIN_ROLE);
        assertEq(rewards.rewardToken(), address(token));
        assertEq(uint8(rewards.rewardMode()), uint8(MINT));
        assertTrue(rewards.batchPayouts());
        assertFalse(rewards.paused());
        (uint96 maxPerPayment, uint96 windowBudget, uint32 windowDuration) = rewards.limits();
        assertEq(maxPerPayment, 0);
        assertEq(windowBudget, 0);
        assertEq(windowDuration, 0);
        (uint96 remaining, uint40 windowEnd) = rewards.windowState();
        assertEq(remaining, type(uint96).max);
        assertEq(windowEnd, 0);
        assertEq(
            address(uint160(uint256(vm.load(address(rewards), IMPLEMENTATION_SLOT)))), address(implementation)
        );
    }

    function test_initialize_emitsRoleTokenAndModeEvents() public {
        PlainMintableToken plain = _deployPlainToken();
        address predicted = vm.computeCreateAddress(address(this), vm.getNonce(address(this)));

        vm.expectEmit(predicted);
        emit IAccessControl.RoleGranted(DEFAULT_ADMIN_ROLE, admin, address(this));
        vm.expectEmit(predicted);
        emit IAccessControl.RoleGranted(OPERATOR_ROLE, operator, address(this));
        vm.expectEmit(predicted);
        emit IReferralRewards.RewardTokenUpdated(address(0), address(plain), false);
        vm.expectEmit(predicted);
        emit IReferralRewards.RewardModeUpdated(MINT, TRANSFER);
        ReferralRewards proxy = _deployRewards(address(plain), TRANSFER);

        assertEq(address(proxy), predicted);
        assertEq(uint8(proxy.rewardMode()), uint8(TRANSFER));
        assertEq(proxy.rewardToken(), address(plain));
        assertFalse(proxy.batchPayouts());
    }

    function test_initialize_revertsWhenCalledTwice() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        rewards.initialize(stranger, stranger, address(token), TRANSFER);

        // Nothing changed.
        assertFalse(rewards.hasRole(DEFAULT_ADMIN_ROLE, stranger));
        assertFalse(rewards.hasRole(OPERATOR_ROLE, stranger));
        assertEq(uint8(rewards.rewardMode()), uint8(MINT));
    }

    function test_initialize_revertsOnImplementation() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        implementation.initialize(stranger, stranger, address(token), MINT);

        assertFalse(implementation.hasRole(DEFAULT_ADMIN_ROLE, stranger));
        assertEq(implementation.rewardToken(), address(0));
    }

    function test_initialize_revertsWhenAdminIsZero() public {
        bytes memory data =
            abi.encodeCall(ReferralRewards.initialize, (address(0), operator, address(token), MINT));
        vm.expectRevert(IReferralRewards.ReferralRewards__ZeroAddress.selector);
        new ERC1967Proxy(address(implementation), data);
    }

    function test_initialize_revertsWhenOperatorIsZero() public {
        bytes memory data =
            abi.encodeCall(ReferralRewards.initialize, (admin, address(0), address(token), MINT));
        vm.expectRevert(IReferralRewards.ReferralRewards__ZeroAddress.selector);
        new ERC1967Proxy(address(implementation), data);
    }

    function test_initialize_revertsWhenTokenHasNoCode() public {
        bytes memory data = abi.encodeCall(ReferralRewards.initialize, (admin, operator, stranger, MINT));
        vm.expectRevert(
            abi.encodeWithSelector(IReferralRewards.ReferralRewards__NotAContract.selector, stranger)
        );
        new ERC1967Proxy(address(implementation), data);
    }

    function test_initialize_revertsWhenTokenIsZero() public {
        bytes memory data = abi.encodeCall(ReferralRewards.initialize, (admin, operator, address(0), MINT));
        vm.expectRevert(IReferralRewards.ReferralRewards__ZeroAddress.selector);
        new ERC1967Proxy(address(implementation), data);
    }

    // ================================================================== payReferral

    function test_payReferral_mintMode_mintsToReferrer() public {
        uint256 amount = 1_234_567_891_011_121_314;
        bytes32 orderRef = _orderRef(7);

        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralPaid(orderRef, alice, amount);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), alice, amount);
        _pay(alice, amount, orderRef);

        assertEq(token.balanceOf(alice), amount);
        assertEq(token.totalSupply(), amount);
        assertTrue(rewards.paidOrders(orderRef));
        assertFalse(rewards.paidOrders(_orderRef(8)));
        (address referrer, uint96 paid) = rewards.paymentOf(orderRef);
        assertEq(referrer, alice);
        assertEq(paid, amount);
    }

    function test_payReferral_transferMode_paysFromProxyBalance() public {
        _setUpTransfer(FUNDING);
        uint256 amount = 987_654_321_987_654_321;
        bytes32 orderRef = _orderRef(1);

        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralPaid(orderRef, bob, amount);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(rewards), bob, amount);
        _pay(bob, amount, orderRef);

        assertEq(token.balanceOf(bob), amount);
        assertEq(token.balanceOf(address(rewards)), FUNDING - amount);
        assertEq(token.totalSupply(), FUNDING);
        assertTrue(rewards.paidOrders(orderRef));
        (address referrer, uint96 paid) = rewards.paymentOf(orderRef);
        assertEq(referrer, bob);
        assertEq(paid, amount);
    }

    function test_payReferral_acceptsMaxUint96() public {
        _pay(alice, AMOUNT_MAX, _orderRef(1));

        assertEq(token.balanceOf(alice), AMOUNT_MAX);
        (address referrer, uint96 paid) = rewards.paymentOf(_orderRef(1));
        assertEq(referrer, alice);
        assertEq(paid, type(uint96).max);
    }

    function test_payReferral_revertsWhenAlreadyPaid() public {
        bytes32 orderRef = _orderRef(1);
        _pay(alice, 5e18, orderRef);

        vm.expectRevert(
            abi.encodeWithSelector(IReferralRewards.ReferralRewards__AlreadyPaid.selector, orderRef)
        );
        _pay(bob, 3e18, orderRef);

        // The same referrer and amount are rejected too.
        vm.expectRevert(
            abi.encodeWithSelector(IReferralRewards.ReferralRewards__AlreadyPaid.selector, orderRef)
        );
        _pay(alice, 5e18, orderRef);

        assertEq(token.balanceOf(alice), 5e18);
        assertEq(token.balanceOf(bob), 0);
        (address referrer, uint96 paid) = rewards.paymentOf(orderRef);
        assertEq(referrer, alice);
        assertEq(paid, 5e18);
    }

    function test_payReferral_revertsOnZeroReferrer() public {
        vm.expectRevert(IReferralRewards.ReferralRewards__ZeroAddress.selector);
        _pay(address(0), 1e18, _orderRef(1));
        assertFalse(rewards.paidOrders(_orderRef(1)));
    }

    function test_payReferral_revertsOnZeroAmount() public {
        vm.expectRevert(IReferralRewards.ReferralRewards__ZeroAmount.selector);
        _pay(alice, 0, _orderRef(1));
        assertFalse(rewards.paidOrders(_orderRef(1)));
    }

    function test_payReferral_revertsWhenAmountTooLarge() public {
        uint256 amount = AMOUNT_MAX + 1;
        vm.expectRevert(
            abi.encodeWithSelector(IReferralRewards.ReferralRewards__AmountTooLarge.selector, amount)
        );
        _pay(alice, amount, _orderRef(1));

        vm.expectRevert(
            abi.encodeWithSelector(
                IReferralRewards.ReferralRewards__AmountTooLarge.selector, type(uint256).max
            )
        );
        _pay(alice, type(uint256).max, _orderRef(1));

        assertFalse(rewards.paidOrders(_orderRef(1)));
        assertEq(token.totalSupply(), 0);
    }

    function test_payReferral_revertsAboveMaxPerPayment() public {
        _setLimits(100e18, 0, 0);

        vm.expectRevert(
            abi.encodeWithSelector(
                IReferralRewards.ReferralRewards__AboveMaxPerPayment.selector, 100e18 + 1, 100e18
            )
        );
        _pay(alice, 100e18 + 1, _orderRef(1));
        assertFalse(rewards.paidOrders(_orderRef(1)));

        // Exactly the maximum is allowed.
        _pay(alice, 100e18, _orderRef(1));
        assertEq(token.balanceOf(alice), 100e18);
    }

    function test_payReferral_revertsWhenWindowBudgetExceeded() public {
        _setLimits(0, 10e18, 1 days);
        _pay(alice, 6e18, _orderRef(1));

        vm.expectRevert(
            abi.encodeWithSelector(
                IReferralRewards.ReferralRewards__WindowBudgetExceeded.selector, 4e18 + 1, 4e18
            )
        );
        _pay(bob, 4e18 + 1, _orderRef(2));
        assertFalse(rewards.paidOrders(_orderRef(2)));

        // The rest of the budget can still be spent, then nothing.
        _pay(bob, 4e18, _orderRef(2));
        vm.expectRevert(
            abi.encodeWithSelector(IReferralRewards.ReferralRewards__WindowBudgetExceeded.selector, 1, 0)
        );
        _pay(carol, 1, _orderRef(3));

        assertEq(token.totalSupply(), 10e18);
        (uint96 remaining,) = rewards.windowState();
        assertEq(remaining, 0);
    }

    function test_payReferral_opensNewWindowAfterWarp() public {
        uint256 start = block.timestamp;
        _setLimits(0, 10e18, 1 days);
        _pay(alice, 10e18, _orderRef(1));

        // One second before the end: still the exhausted window.
        vm.warp(start + 1 days - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IReferralRewards.ReferralRewards__WindowBudgetExceeded.selector, 1, 0)
        );
        _pay(bob, 1, _orderRef(2));

        // At the end the next payment opens [now, now + 1 day) with the full budget.
        vm.warp(start + 1 days + 5);
        _pay(bob, 7e18, _orderRef(2));
        (uint96 remaining, uint40 windowEnd) = rewards.windowState();
        assertEq(remaining, 3e18);
        assertEq(windowEnd, start + 1 days + 5 + 1 days);
        assertEq(token.balanceOf(bob), 7e18);
    }

    function test_payReferral_revertsWhenPaused() public {
        vm.prank(admin);
        rewards.pause();

        vm.expectRevert(IReferralRewards.ReferralRewards__EnforcedPause.selector);
        _pay(alice, 1e18, _orderRef(1));
        assertFalse(rewards.paidOrders(_orderRef(1)));
        assertEq(token.totalSupply(), 0);
    }

    function test_payReferral_revertsForNonOperator() public {
        address[3] memory callers = [admin, stranger, alice];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(_unauthorized(callers[i], OPERATOR_ROLE));
            vm.prank(callers[i]);
            rewards.payReferral(alice, 1e18, _orderRef(1));
        }
        assertFalse(rewards.paidOrders(_orderRef(1)));
        assertEq(token.totalSupply(), 0);
    }

    function test_payReferral_revertsWhenTransferBalanceInsufficient() public {
        _setUpTransfer(2e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector, address(rewards), 2e18, 2e18 + 1
            )
        );
        _pay(alice, 2e18 + 1, _orderRef(1));
        assertFalse(rewards.paidOrders(_orderRef(1)));
        assertEq(token.balanceOf(address(rewards)), 2e18);
    }

    function test_payReferral_revertsWhenProxyIsNotMinter() public {
        _setUpMintThroughRole();
        vm.prank(admin);
        token.revokeRole(MINTER_ROLE, address(rewards));

        vm.expectRevert(_unauthorized(address(rewards), MINTER_ROLE));
        _pay(alice, 1e18, _orderRef(1));
        assertFalse(rewards.paidOrders(_orderRef(1)));
    }

    // ================================================================== payReferralBatch

    function _threePayouts() internal view returns (IReferralRewards.PackedPayout[] memory payouts) {
        payouts = new IReferralRewards.PackedPayout[](3);
        payouts[0] = _payout(_orderRef(1), alice, 1_100_000_000_000_000_007);
        payouts[1] = _payout(_orderRef(2), bob, 2_200_000_000_000_000_013);
        payouts[2] = _payout(_orderRef(3), carol, 3_300_000_000_000_000_029);
    }

    function test_payReferralBatch_paysAll() public {
        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();
        uint256 total = 1_100_000_000_000_000_007 + 2_200_000_000_000_000_013 + 3_300_000_000_000_000_029;

        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralPaid(_orderRef(1), alice, 1_100_000_000_000_000_007);
        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralPaid(_orderRef(2), bob, 2_200_000_000_000_000_013);
        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralPaid(_orderRef(3), carol, 3_300_000_000_000_000_029);
        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralBatchPaid(3, 0, total);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), alice, 1_100_000_000_000_000_007);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), bob, 2_200_000_000_000_000_013);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), carol, 3_300_000_000_000_000_029);
        uint256 paid = _payBatch(payouts);

        assertEq(paid, 3);
        assertEq(token.balanceOf(alice), 1_100_000_000_000_000_007);
        assertEq(token.balanceOf(bob), 2_200_000_000_000_000_013);
        assertEq(token.balanceOf(carol), 3_300_000_000_000_000_029);
        assertEq(token.totalSupply(), total);
        for (uint256 i; i < 3; ++i) {
            assertTrue(rewards.paidOrders(payouts[i].orderRef));
            (address referrer, uint96 amount) = rewards.paymentOf(payouts[i].orderRef);
            assertEq(_pack(referrer, amount), payouts[i].payment);
        }
    }

    function test_payReferralBatch_transferMode_paysAll() public {
        _setUpTransfer(FUNDING);
        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();
        uint256 total = 1_100_000_000_000_000_007 + 2_200_000_000_000_000_013 + 3_300_000_000_000_000_029;

        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralBatchPaid(3, 0, total);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(rewards), alice, 1_100_000_000_000_000_007);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(rewards), bob, 2_200_000_000_000_000_013);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(rewards), carol, 3_300_000_000_000_000_029);
        uint256 paid = _payBatch(payouts);

        assertEq(paid, 3);
        assertEq(token.balanceOf(alice), 1_100_000_000_000_000_007);
        assertEq(token.balanceOf(bob), 2_200_000_000_000_000_013);
        assertEq(token.balanceOf(carol), 3_300_000_000_000_000_029);
        assertEq(token.balanceOf(address(rewards)), FUNDING - total);
        assertEq(token.totalSupply(), FUNDING);
    }

    function test_payReferralBatch_skipsAlreadyPaidOrder() public {
        _pay(bob, 9e18, _orderRef(2));
        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();
        uint256 total = 1_100_000_000_000_000_007 + 3_300_000_000_000_000_029;

        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralPaid(_orderRef(1), alice, 1_100_000_000_000_000_007);
        // The skipped event echoes the entry as sent.
        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralPaymentSkipped(_orderRef(2), bob, 2_200_000_000_000_000_013);
        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralPaid(_orderRef(3), carol, 3_300_000_000_000_000_029);
        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralBatchPaid(2, 1, total);
        uint256 paid = _payBatch(payouts);

        assertEq(paid, 2);
        assertEq(token.balanceOf(alice), 1_100_000_000_000_000_007);
        assertEq(token.balanceOf(bob), 9e18);
        assertEq(token.balanceOf(carol), 3_300_000_000_000_000_029);
        assertEq(token.totalSupply(), 9e18 + total);
        (address referrer, uint96 amount) = rewards.paymentOf(_orderRef(2));
        assertEq(referrer, bob);
        assertEq(amount, 9e18);
    }

    function test_payReferralBatch_paysDuplicateOrderOnce() public {
        IReferralRewards.PackedPayout[] memory payouts = new IReferralRewards.PackedPayout[](3);
        payouts[0] = _payout(_orderRef(1), alice, 4_000_000_000_000_000_001);
        payouts[1] = _payout(_orderRef(1), bob, 5_000_000_000_000_000_003);
        payouts[2] = _payout(_orderRef(1), alice, 4_000_000_000_000_000_001);

        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralPaid(_orderRef(1), alice, 4_000_000_000_000_000_001);
        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralPaymentSkipped(_orderRef(1), bob, 5_000_000_000_000_000_003);
        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralPaymentSkipped(_orderRef(1), alice, 4_000_000_000_000_000_001);
        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralBatchPaid(1, 2, 4_000_000_000_000_000_001);
        uint256 paid = _payBatch(payouts);

        assertEq(paid, 1);
        assertEq(token.balanceOf(alice), 4_000_000_000_000_000_001);
        assertEq(token.balanceOf(bob), 0);
        assertEq(token.totalSupply(), 4_000_000_000_000_000_001);
        (address referrer, uint96 amount) = rewards.paymentOf(_orderRef(1));
        assertEq(referrer, alice);
        assertEq(amount, 4_000_000_000_000_000_001);
    }

    function test_payReferralBatch_returnsZeroWhenEverythingWasPaid() public {
        _setLimits(0, 100e18, 1 days);
        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();
        _payBatch(payouts);
        uint256 supply = token.totalSupply();
        (uint96 remainingBefore, uint40 endBefore) = rewards.windowState();

        // A re-sent batch: every entry skipped, no token call, no budget spent.
        vm.recordLogs();
        uint256 paid = _payBatch(payouts);
        assertEq(paid, 0);

        (uint96 remainingAfter, uint40 endAfter) = rewards.windowState();
        assertEq(remainingAfter, remainingBefore);
        assertEq(endAfter, endBefore);
        assertEq(token.totalSupply(), supply);

        // Three skipped events and the summary, nothing from the token.
        _assertOnlySkippedAndSummary(vm.getRecordedLogs(), payouts, 0);
    }

    function _assertOnlySkippedAndSummary(
        Vm.Log[] memory logs,
        IReferralRewards.PackedPayout[] memory payouts,
        uint256 total
    ) internal view {
        assertEq(logs.length, payouts.length + 1);
        for (uint256 i; i < payouts.length; ++i) {
            assertEq(logs[i].emitter, address(rewards));
            assertEq(logs[i].topics[0], IReferralRewards.ReferralPaymentSkipped.selector);
            assertEq(logs[i].topics[1], payouts[i].orderRef);
            assertEq(logs[i].topics[2], bytes32(payouts[i].payment >> 96));
            assertEq(abi.decode(logs[i].data, (uint256)), payouts[i].payment & AMOUNT_MAX);
        }
        Vm.Log memory summary = logs[payouts.length];
        assertEq(summary.emitter, address(rewards));
        assertEq(summary.topics[0], IReferralRewards.ReferralBatchPaid.selector);
        assertEq(summary.data, abi.encode(0, payouts.length, total));
    }

    function test_payReferralBatch_revertsOnEmptyBatch() public {
        vm.expectRevert(IReferralRewards.ReferralRewards__EmptyBatch.selector);
        _payBatch(new IReferralRewards.PackedPayout[](0));
    }

    function _assertNothingPaid(IReferralRewards.PackedPayout[] memory payouts) internal view {
        for (uint256 i; i < payouts.length; ++i) {
            assertFalse(rewards.paidOrders(payouts[i].orderRef));
        }
        assertEq(token.totalSupply(), 0);
    }

    function test_payReferralBatch_revertsOnZeroReferrer() public {
        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();
        payouts[2] = _payout(_orderRef(3), address(0), 3e18);

        vm.expectRevert(IReferralRewards.ReferralRewards__ZeroAddress.selector);
        _payBatch(payouts);
        _assertNothingPaid(payouts);
    }

    function test_payReferralBatch_revertsOnZeroPaymentWord() public {
        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();
        payouts[1].payment = 0;

        vm.expectRevert(IReferralRewards.ReferralRewards__ZeroAddress.selector);
        _payBatch(payouts);
        _assertNothingPaid(payouts);
    }

    function test_payReferralBatch_revertsOnZeroAmount() public {
        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();
        payouts[1] = _payout(_orderRef(2), bob, 0);

        vm.expectRevert(IReferralRewards.ReferralRewards__ZeroAmount.selector);
        _payBatch(payouts);
        _assertNothingPaid(payouts);
    }

    function test_payReferralBatch_revertsAboveMaxPerPayment() public {
        _setLimits(3e18, 0, 0);
        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();

        vm.expectRevert(
            abi.encodeWithSelector(
                IReferralRewards.ReferralRewards__AboveMaxPerPayment.selector, 3_300_000_000_000_000_029, 3e18
            )
        );
        _payBatch(payouts);
        _assertNothingPaid(payouts);
    }

    function test_payReferralBatch_revertsOnInvalidEntryForAlreadyPaidOrder() public {
        _pay(alice, 1e18, _orderRef(1));
        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();
        payouts[0] = _payout(_orderRef(1), alice, 0);

        vm.expectRevert(IReferralRewards.ReferralRewards__ZeroAmount.selector);
        _payBatch(payouts);
        assertFalse(rewards.paidOrders(_orderRef(2)));
        assertEq(token.totalSupply(), 1e18);
    }

    function test_payReferralBatch_chargesBatchTotalToWindow() public {
        _setLimits(5e18, 10e18, 1 days);
        uint256 total = 1_100_000_000_000_000_007 + 2_200_000_000_000_000_013 + 3_300_000_000_000_000_029;
        _payBatch(_threePayouts());

        (uint96 remaining,) = rewards.windowState();
        assertEq(remaining, 10e18 - total);
    }

    function test_payReferralBatch_revertsWhenTotalExceedsWindowBudget() public {
        // Every entry is within the per-payment maximum; their total is not within the budget.
        _setLimits(5e18, 6e18, 1 days);
        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();
        uint256 total = 1_100_000_000_000_000_007 + 2_200_000_000_000_000_013 + 3_300_000_000_000_000_029;

        vm.expectRevert(
            abi.encodeWithSelector(
                IReferralRewards.ReferralRewards__WindowBudgetExceeded.selector, total, 6e18
            )
        );
        _payBatch(payouts);
        _assertNothingPaid(payouts);
        (uint96 remaining,) = rewards.windowState();
        assertEq(remaining, 6e18);
    }

    function test_payReferralBatch_revertsWhenPaused() public {
        vm.prank(admin);
        rewards.pause();

        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();
        vm.expectRevert(IReferralRewards.ReferralRewards__EnforcedPause.selector);
        _payBatch(payouts);
        _assertNothingPaid(payouts);
    }

    function test_payReferralBatch_revertsForNonOperator() public {
        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();
        address[2] memory callers = [admin, stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(_unauthorized(callers[i], OPERATOR_ROLE));
            vm.prank(callers[i]);
            rewards.payReferralBatch(payouts);
        }
        _assertNothingPaid(payouts);
    }

    function test_payReferralBatch_bubblesTokenRevert() public {
        _setUpMintThroughRole();
        vm.prank(admin);
        token.revokeRole(MINTER_ROLE, address(rewards));

        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();
        vm.expectRevert(_unauthorized(address(rewards), MINTER_ROLE));
        _payBatch(payouts);
        _assertNothingPaid(payouts);
    }

    function test_payReferralBatch_revertsWhenTransferBalanceInsufficient() public {
        _setUpTransfer(5e18);
        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();
        uint256 total = 1_100_000_000_000_000_007 + 2_200_000_000_000_000_013 + 3_300_000_000_000_000_029;

        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector, address(rewards), 5e18, total
            )
        );
        _payBatch(payouts);
        assertFalse(rewards.paidOrders(_orderRef(1)));
        assertEq(token.balanceOf(address(rewards)), 5e18);
    }

    function test_payReferralBatch_paysOneHundredEntries() public {
        IReferralRewards.PackedPayout[] memory payouts = new IReferralRewards.PackedPayout[](100);
        uint256 total;
        for (uint256 i; i < 100; ++i) {
            payouts[i] = _payout(_orderRef(1000 + i), _referrer(1000 + i), _amount(i));
            total += _amount(i);
        }
        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralBatchPaid(100, 0, total);
        assertEq(_payBatch(payouts), 100);

        assertEq(token.totalSupply(), total);
        for (uint256 i; i < 100; ++i) {
            assertEq(token.balanceOf(_referrer(1000 + i)), _amount(i));
            (address referrer, uint96 amount) = rewards.paymentOf(_orderRef(1000 + i));
            assertEq(referrer, _referrer(1000 + i));
            assertEq(amount, _amount(i));
        }
    }

    // ================================================================== fallback: plain token

    function test_payReferral_plainToken_mintMode() public {
        PlainMintableToken plain = _deployPlainToken();
        rewards = _deployRewards(address(plain), MINT);
        _grantMinter(address(plain), address(rewards));
        assertFalse(rewards.batchPayouts());

        vm.expectEmit(address(plain));
        emit IERC20.Transfer(address(0), alice, 2_500_000_000_000_000_017);
        _pay(alice, 2_500_000_000_000_000_017, _orderRef(1));

        assertEq(plain.balanceOf(alice), 2_500_000_000_000_000_017);
        assertEq(plain.totalSupply(), 2_500_000_000_000_000_017);
    }

    function test_payReferralBatch_plainToken_mintMode() public {
        PlainMintableToken plain = _deployPlainToken();
        rewards = _deployRewards(address(plain), MINT);
        _grantMinter(address(plain), address(rewards));
        _pay(bob, 1e18, _orderRef(2));
        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();

        vm.expectEmit(address(rewards));
        emit IReferralRewards.ReferralBatchPaid(2, 1, 1_100_000_000_000_000_007 + 3_300_000_000_000_000_029);
        vm.expectEmit(address(plain));
        emit IERC20.Transfer(address(0), alice, 1_100_000_000_000_000_007);
        vm.expectEmit(address(plain));
        emit IERC20.Transfer(address(0), carol, 3_300_000_000_000_000_029);
        assertEq(_payBatch(payouts), 2);

        assertFalse(rewards.batchPayouts());
        assertEq(plain.balanceOf(alice), 1_100_000_000_000_000_007);
        assertEq(plain.balanceOf(bob), 1e18);
        assertEq(plain.balanceOf(carol), 3_300_000_000_000_000_029);
        assertEq(plain.totalSupply(), 1e18 + 1_100_000_000_000_000_007 + 3_300_000_000_000_000_029);
    }

    function test_payReferralBatch_plainToken_transferMode() public {
        PlainMintableToken plain = _deployPlainToken();
        rewards = _deployRewards(address(plain), TRANSFER);
        _fund(address(plain), address(rewards), FUNDING);
        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();
        uint256 total = 1_100_000_000_000_000_007 + 2_200_000_000_000_000_013 + 3_300_000_000_000_000_029;

        vm.expectEmit(address(plain));
        emit IERC20.Transfer(address(rewards), alice, 1_100_000_000_000_000_007);
        vm.expectEmit(address(plain));
        emit IERC20.Transfer(address(rewards), bob, 2_200_000_000_000_000_013);
        vm.expectEmit(address(plain));
        emit IERC20.Transfer(address(rewards), carol, 3_300_000_000_000_000_029);
        assertEq(_payBatch(payouts), 3);

        assertFalse(rewards.batchPayouts());
        assertEq(plain.balanceOf(alice), 1_100_000_000_000_000_007);
        assertEq(plain.balanceOf(bob), 2_200_000_000_000_000_013);
        assertEq(plain.balanceOf(carol), 3_300_000_000_000_000_029);
        assertEq(plain.balanceOf(address(rewards)), FUNDING - total);
        assertEq(plain.totalSupply(), FUNDING);

        // And a single payment through the same fallback.
        _pay(alice, 1, _orderRef(4));
        assertEq(plain.balanceOf(alice), 1_100_000_000_000_000_008);
    }

    function test_payReferralBatch_plainToken_transferModeInsufficientBalance() public {
        PlainMintableToken plain = _deployPlainToken();
        rewards = _deployRewards(address(plain), TRANSFER);
        _fund(address(plain), address(rewards), 4e18);
        IReferralRewards.PackedPayout[] memory payouts = _threePayouts();

        // The third transfer fails after two succeeded: the whole batch reverts.
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector,
                address(rewards),
                4e18 - 1_100_000_000_000_000_007 - 2_200_000_000_000_000_013,
                3_300_000_000_000_000_029
            )
        );
        _payBatch(payouts);
        assertEq(plain.balanceOf(address(rewards)), 4e18);
        assertEq(plain.balanceOf(alice), 0);
        assertFalse(rewards.paidOrders(_orderRef(1)));
    }

    // ================================================================== setRewardToken

    function test_setRewardToken_emitsAndDetectsBatchSupport() public {
        PlainMintableToken plain = _deployPlainToken();

        vm.expectEmit(address(rewards));
        emit IReferralRewards.RewardTokenUpdated(address(token), address(plain), false);
        vm.prank(admin);
        rewards.setRewardToken(address(plain));
        assertEq(rewards.rewardToken(), address(plain));
        assertFalse(rewards.batchPayouts());

        RewardToken other = _deployToken();
        vm.expectEmit(address(rewards));
        emit IReferralRewards.RewardTokenUpdated(address(plain), address(other), true);
        vm.prank(admin);
        rewards.setRewardToken(address(other));
        assertEq(rewards.rewardToken(), address(other));
        assertTrue(rewards.batchPayouts());

        // Payments go to the new token.
        _grantMinter(address(other), address(rewards));
        _pay(alice, 3e18, _orderRef(1));
        assertEq(other.balanceOf(alice), 3e18);
        assertEq(token.balanceOf(alice), 0);
    }

    function test_setRewardToken_revertsOnAccountWithoutCode() public {
        vm.expectRevert(
            abi.encodeWithSelector(IReferralRewards.ReferralRewards__NotAContract.selector, stranger)
        );
        vm.prank(admin);
        rewards.setRewardToken(stranger);
        assertEq(rewards.rewardToken(), address(token));
        assertTrue(rewards.batchPayouts());
    }

    function test_setRewardToken_revertsOnZeroAddress() public {
        vm.expectRevert(IReferralRewards.ReferralRewards__ZeroAddress.selector);
        vm.prank(admin);
        rewards.setRewardToken(address(0));
        assertEq(rewards.rewardToken(), address(token));
    }

    function test_setRewardToken_revertsForNonAdmin() public {
        address[2] memory callers = [operator, stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(_unauthorized(callers[i], DEFAULT_ADMIN_ROLE));
            vm.prank(callers[i]);
            rewards.setRewardToken(stranger);
        }
        assertEq(rewards.rewardToken(), address(token));
    }

    // ================================================================== setRewardMode

    function test_setRewardMode_emitsAndSwitchesPayout() public {
        vm.expectEmit(address(rewards));
        emit IReferralRewards.RewardModeUpdated(MINT, TRANSFER);
        vm.prank(admin);
        rewards.setRewardMode(TRANSFER);
        assertEq(uint8(rewards.rewardMode()), uint8(TRANSFER));

        // TRANSFER now pays from the proxy's balance rather than minting.
        _fund(address(token), address(rewards), 10e18);
        _pay(alice, 4e18, _orderRef(1));
        assertEq(token.balanceOf(address(rewards)), 6e18);
        assertEq(token.totalSupply(), 10e18);

        vm.expectEmit(address(rewards));
        emit IReferralRewards.RewardModeUpdated(TRANSFER, MINT);
        vm.prank(admin);
        rewards.setRewardMode(MINT);
        _pay(alice, 1e18, _orderRef(2));
        assertEq(token.balanceOf(address(rewards)), 6e18);
        assertEq(token.totalSupply(), 11e18);
    }

    function test_setRewardMode_revertsForNonAdmin() public {
        address[2] memory callers = [operator, stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(_unauthorized(callers[i], DEFAULT_ADMIN_ROLE));
            vm.prank(callers[i]);
            rewards.setRewardMode(TRANSFER);
        }
        assertEq(uint8(rewards.rewardMode()), uint8(MINT));
    }

    // ================================================================== setLimits

    function test_setLimits_emitsAndStores() public {
        vm.expectEmit(address(rewards));
        emit IReferralRewards.LimitsUpdated(50e18, 500e18, 6 hours);
        _setLimits(50e18, 500e18, 6 hours);

        (uint96 maxPerPayment, uint96 windowBudget, uint32 windowDuration) = rewards.limits();
        assertEq(maxPerPayment, 50e18);
        assertEq(windowBudget, 500e18);
        assertEq(windowDuration, 6 hours);
        (uint96 remaining, uint40 windowEnd) = rewards.windowState();
        assertEq(remaining, 500e18);
        assertEq(windowEnd, block.timestamp + 6 hours);
    }

    function test_setLimits_maxOnlyOpensNoWindow() public {
        _setLimits(50e18, 0, 0);
        (uint96 remaining, uint40 windowEnd) = rewards.windowState();
        assertEq(remaining, type(uint96).max);
        assertEq(windowEnd, 0);

        _pay(alice, 50e18, _orderRef(1));
        _pay(alice, 50e18, _orderRef(2));
        assertEq(token.balanceOf(alice), 100e18);
    }

    function test_setLimits_revertsOnBudgetWithoutDuration() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IReferralRewards.ReferralRewards__InvalidWindow.selector, uint96(100e18), uint32(0)
            )
        );
        _setLimits(0, 100e18, 0);
    }

    function test_setLimits_revertsOnDurationWithoutBudget() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IReferralRewards.ReferralRewards__InvalidWindow.selector, uint96(0), uint32(1 days)
            )
        );
        _setLimits(10e18, 0, 1 days);
        (uint96 maxPerPayment,,) = rewards.limits();
        assertEq(maxPerPayment, 0);
    }

    function test_setLimits_keepsSpendingInCurrentWindow() public {
        uint256 start = block.timestamp;
        _setLimits(0, 1000e18, 1 days);
        _pay(alice, 600e18, _orderRef(1));
        vm.warp(start + 3 hours);

        // A smaller budget: 600 already spent of 800.
        _setLimits(0, 800e18, 1 days);
        (uint96 remaining, uint40 windowEnd) = rewards.windowState();
        assertEq(remaining, 200e18);
        assertEq(windowEnd, start + 1 days);

        // A larger one: 600 spent of 2000.
        _setLimits(0, 2000e18, 1 days);
        (remaining, windowEnd) = rewards.windowState();
        assertEq(remaining, 1400e18);
        assertEq(windowEnd, start + 1 days);

        // Below what was already spent: nothing left until the window ends.
        _setLimits(0, 500e18, 1 days);
        (remaining,) = rewards.windowState();
        assertEq(remaining, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IReferralRewards.ReferralRewards__WindowBudgetExceeded.selector, 1, 0)
        );
        _pay(bob, 1, _orderRef(2));

        vm.warp(start + 1 days);
        _pay(bob, 500e18, _orderRef(2));
        assertEq(token.balanceOf(bob), 500e18);
    }

    /// @notice Regression: a budget lowered below what the window already paid, then raised again in
    ///         the same window, must not free the money already paid (Window.overspent keeps it).
    ///         600 paid of 1000, lowered to 500, back to 1000: 400 left, not 500.
    function test_setLimits_lowerThenRaiseBudgetKeepsSpending() public {
        uint256 start = block.timestamp;
        _setLimits(0, 1000e18, 1 days);
        _pay(alice, 600e18, _orderRef(1));
        vm.warp(start + 1 hours);

        _setLimits(0, 500e18, 1 days); // below what was spent: nothing left
        (uint96 remaining,) = rewards.windowState();
        assertEq(remaining, 0);

        _setLimits(0, 1000e18, 1 days); // the original budget again, same window
        uint40 windowEnd;
        (remaining, windowEnd) = rewards.windowState();
        assertEq(windowEnd, start + 1 days, "same window");
        assertEq(remaining, 400e18, "600 of the 1000 budget were already spent in this window");

        vm.expectRevert(
            abi.encodeWithSelector(
                IReferralRewards.ReferralRewards__WindowBudgetExceeded.selector, 500e18, 400e18
            )
        );
        _pay(bob, 500e18, _orderRef(2));
        assertLe(token.totalSupply(), 1000e18, "paid inside one window exceeds its budget");
    }

    /// @notice A shorter duration is measured from the current window's start; if that end is already
    ///         past, the next payment opens a new window with the full budget (an admin action, like
    ///         the burst any fixed window allows at its boundary).
    function test_setLimits_shorterDurationEndingInPastRefillsBudget() public {
        uint256 start = block.timestamp;
        _setLimits(0, 100e18, 1 days);
        vm.warp(start + 23 hours);
        _pay(alice, 100e18, _orderRef(1));

        _setLimits(0, 100e18, 1 hours); // [start, start + 1 hour) ended 22 hours ago
        (uint96 remaining, uint40 windowEnd) = rewards.windowState();
        assertEq(remaining, 100e18);
        assertEq(windowEnd, 0);

        _pay(bob, 100e18, _orderRef(2)); // same block: 200 paid within one second
        (remaining, windowEnd) = rewards.windowState();
        assertEq(remaining, 0);
        assertEq(windowEnd, start + 24 hours);
        assertEq(token.totalSupply(), 200e18);
    }

    function test_setLimits_newDurationMovesWindowEnd() public {
        uint256 start = block.timestamp;
        _setLimits(0, 1000e18, 1 days);
        _pay(alice, 100e18, _orderRef(1));
        vm.warp(start + 1 hours);

        _setLimits(0, 1000e18, 2 days);
        (uint96 remaining, uint40 windowEnd) = rewards.windowState();
        assertEq(remaining, 900e18);
        assertEq(windowEnd, start + 2 days);
    }

    function test_setLimits_maxChangeKeepsWindow() public {
        uint256 start = block.timestamp;
        _setLimits(100e18, 1000e18, 1 days);
        _pay(alice, 100e18, _orderRef(1));
        vm.warp(start + 5 hours);

        _setLimits(300e18, 1000e18, 1 days);
        (uint96 remaining, uint40 windowEnd) = rewards.windowState();
        assertEq(remaining, 900e18);
        assertEq(windowEnd, start + 1 days);
        _pay(alice, 300e18, _orderRef(2));
        (remaining,) = rewards.windowState();
        assertEq(remaining, 600e18);
    }

    function test_setLimits_afterWindowEndedStartsFreshWindow() public {
        uint256 start = block.timestamp;
        _setLimits(0, 1000e18, 1 days);
        _pay(alice, 900e18, _orderRef(1));
        vm.warp(start + 1 days + 10);

        _setLimits(0, 700e18, 12 hours);
        (uint96 remaining, uint40 windowEnd) = rewards.windowState();
        assertEq(remaining, 700e18);
        assertEq(windowEnd, start + 1 days + 10 + 12 hours);
    }

    function test_setLimits_zeroDisablesLimits() public {
        _setLimits(10e18, 20e18, 1 days);
        _pay(alice, 10e18, _orderRef(1));

        vm.expectEmit(address(rewards));
        emit IReferralRewards.LimitsUpdated(0, 0, 0);
        _setLimits(0, 0, 0);

        (uint96 maxPerPayment, uint96 windowBudget, uint32 windowDuration) = rewards.limits();
        assertEq(maxPerPayment, 0);
        assertEq(windowBudget, 0);
        assertEq(windowDuration, 0);
        (uint96 remaining, uint40 windowEnd) = rewards.windowState();
        assertEq(remaining, type(uint96).max);
        assertEq(windowEnd, 0);

        _pay(alice, 1000e18, _orderRef(2));
        assertEq(token.balanceOf(alice), 1010e18);
    }

    function test_setLimits_revertsForNonAdmin() public {
        address[2] memory callers = [operator, stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(_unauthorized(callers[i], DEFAULT_ADMIN_ROLE));
            vm.prank(callers[i]);
            rewards.setLimits(1, 1, 1);
        }
        (uint96 maxPerPayment, uint96 windowBudget,) = rewards.limits();
        assertEq(maxPerPayment, 0);
        assertEq(windowBudget, 0);
    }

    // ================================================================== windowState

    function test_windowState_withoutBudgetIsUnlimited() public {
        (uint96 remaining, uint40 windowEnd) = rewards.windowState();
        assertEq(remaining, type(uint96).max);
        assertEq(windowEnd, 0);

        _pay(alice, 5e18, _orderRef(1));
        (remaining, windowEnd) = rewards.windowState();
        assertEq(remaining, type(uint96).max);
        assertEq(windowEnd, 0);
    }

    function test_windowState_reportsFullBudgetOnceWindowEnded() public {
        uint256 start = block.timestamp;
        _setLimits(0, 100e18, 1 hours);
        _pay(alice, 40e18, _orderRef(1));

        vm.warp(start + 1 hours - 1);
        (uint96 remaining, uint40 windowEnd) = rewards.windowState();
        assertEq(remaining, 60e18);
        assertEq(windowEnd, start + 1 hours);

        // The window is [end - duration, end): at `end` it is over.
        vm.warp(start + 1 hours);
        (remaining, windowEnd) = rewards.windowState();
        assertEq(remaining, 100e18);
        assertEq(windowEnd, 0);

        _pay(alice, 100e18, _orderRef(2));
        (remaining, windowEnd) = rewards.windowState();
        assertEq(remaining, 0);
        assertEq(windowEnd, start + 2 hours);
    }

    // ================================================================== pause / unpause

    function test_pause_emitsAndPauses() public {
        vm.expectEmit(address(rewards));
        emit IReferralRewards.Paused(admin);
        vm.prank(admin);
        rewards.pause();
        assertTrue(rewards.paused());
    }

    function test_pause_revertsWhenAlreadyPaused() public {
        vm.prank(admin);
        rewards.pause();
        vm.expectRevert(IReferralRewards.ReferralRewards__EnforcedPause.selector);
        vm.prank(admin);
        rewards.pause();
        assertTrue(rewards.paused());
    }

    function test_unpause_emitsAndResumesPayments() public {
        vm.prank(admin);
        rewards.pause();

        vm.expectEmit(address(rewards));
        emit IReferralRewards.Unpaused(admin);
        vm.prank(admin);
        rewards.unpause();
        assertFalse(rewards.paused());

        _pay(alice, 1e18, _orderRef(1));
        assertEq(_payBatch(_threePayouts()), 2);
        assertEq(token.balanceOf(alice), 1e18);
        assertEq(token.balanceOf(bob), 2_200_000_000_000_000_013);
    }

    function test_unpause_revertsWhenNotPaused() public {
        vm.expectRevert(IReferralRewards.ReferralRewards__ExpectedPause.selector);
        vm.prank(admin);
        rewards.unpause();

        vm.prank(admin);
        rewards.pause();
        vm.prank(admin);
        rewards.unpause();
        vm.expectRevert(IReferralRewards.ReferralRewards__ExpectedPause.selector);
        vm.prank(admin);
        rewards.unpause();
        assertFalse(rewards.paused());
    }

    function test_pause_revertsForNonAdmin() public {
        address[2] memory callers = [operator, stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(_unauthorized(callers[i], DEFAULT_ADMIN_ROLE));
            vm.prank(callers[i]);
            rewards.pause();
        }
        assertFalse(rewards.paused());
    }

    function test_unpause_revertsForNonAdmin() public {
        vm.prank(admin);
        rewards.pause();
        address[2] memory callers = [operator, stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(_unauthorized(callers[i], DEFAULT_ADMIN_ROLE));
            vm.prank(callers[i]);
            rewards.unpause();
        }
        assertTrue(rewards.paused());
    }

    function test_pause_adminFunctionsStillWork() public {
        _setUpTransfer(10e18);
        vm.prank(admin);
        rewards.pause();

        _setLimits(1e18, 0, 0);
        vm.prank(admin);
        rewards.rescue(address(token), treasury, 10e18);
        assertEq(token.balanceOf(treasury), 10e18);
        (uint96 maxPerPayment,,) = rewards.limits();
        assertEq(maxPerPayment, 1e18);
    }

    // ================================================================== rescue

    function test_rescue_transfersAndEmits() public {
        _fund(address(token), address(rewards), 10e18);

        vm.expectEmit(address(rewards));
        emit IReferralRewards.Rescued(address(token), treasury, 4e18);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(rewards), treasury, 4e18);
        vm.prank(admin);
        rewards.rescue(address(token), treasury, 4e18);

        assertEq(token.balanceOf(treasury), 4e18);
        assertEq(token.balanceOf(address(rewards)), 6e18);
    }

    function test_rescue_otherToken() public {
        PlainMintableToken plain = _deployPlainToken();
        _fund(address(plain), address(rewards), 3e18);

        vm.prank(admin);
        rewards.rescue(address(plain), admin, 3e18);
        assertEq(plain.balanceOf(admin), 3e18);
        assertEq(plain.balanceOf(address(rewards)), 0);
    }

    function test_rescue_revertsOnZeroRecipient() public {
        _fund(address(token), address(rewards), 10e18);
        vm.expectRevert(IReferralRewards.ReferralRewards__ZeroAddress.selector);
        vm.prank(admin);
        rewards.rescue(address(token), address(0), 1e18);
        assertEq(token.balanceOf(address(rewards)), 10e18);
    }

    function test_rescue_revertsWhenBalanceInsufficient() public {
        _fund(address(token), address(rewards), 1e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector, address(rewards), 1e18, 2e18
            )
        );
        vm.prank(admin);
        rewards.rescue(address(token), treasury, 2e18);
    }

    function test_rescue_revertsForTokenWithoutCode() public {
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, stranger));
        vm.prank(admin);
        rewards.rescue(stranger, treasury, 1);
    }

    function test_rescue_revertsForNonAdmin() public {
        _fund(address(token), address(rewards), 10e18);
        address[2] memory callers = [operator, stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(_unauthorized(callers[i], DEFAULT_ADMIN_ROLE));
            vm.prank(callers[i]);
            rewards.rescue(address(token), callers[i], 10e18);
        }
        assertEq(token.balanceOf(address(rewards)), 10e18);
        assertEq(token.balanceOf(operator), 0);
        assertEq(token.balanceOf(stranger), 0);
    }

    // ================================================================== roles

    function test_grantRole_adminAddsAndRevokesOperator() public {
        vm.prank(admin);
        rewards.grantRole(OPERATOR_ROLE, carol);
        vm.prank(carol);
        rewards.payReferral(alice, 1e18, _orderRef(1));
        assertEq(token.balanceOf(alice), 1e18);

        vm.prank(admin);
        rewards.revokeRole(OPERATOR_ROLE, operator);
        vm.expectRevert(_unauthorized(operator, OPERATOR_ROLE));
        _pay(alice, 1e18, _orderRef(2));
        assertFalse(rewards.paidOrders(_orderRef(2)));
    }

    function test_grantRole_revertsForNonAdmin() public {
        vm.expectRevert(_unauthorized(operator, DEFAULT_ADMIN_ROLE));
        vm.prank(operator);
        rewards.grantRole(OPERATOR_ROLE, stranger);

        vm.expectRevert(_unauthorized(stranger, DEFAULT_ADMIN_ROLE));
        vm.prank(stranger);
        rewards.grantRole(DEFAULT_ADMIN_ROLE, stranger);

        assertFalse(rewards.hasRole(OPERATOR_ROLE, stranger));
        assertFalse(rewards.hasRole(DEFAULT_ADMIN_ROLE, stranger));
    }

    function test_renounceRole_operatorCanRenounce() public {
        vm.prank(operator);
        rewards.renounceRole(OPERATOR_ROLE, operator);
        assertFalse(rewards.hasRole(OPERATOR_ROLE, operator));
        vm.expectRevert(_unauthorized(operator, OPERATOR_ROLE));
        _pay(alice, 1e18, _orderRef(1));
    }

    function test_renounceRole_revertsForAnotherAccount() public {
        vm.expectRevert(IAccessControl.AccessControlBadConfirmation.selector);
        vm.prank(admin);
        rewards.renounceRole(OPERATOR_ROLE, operator);
        assertTrue(rewards.hasRole(OPERATOR_ROLE, operator));
    }

    function test_supportsInterface_accessControlAndErc165() public view {
        assertTrue(rewards.supportsInterface(type(IAccessControl).interfaceId));
        assertTrue(rewards.supportsInterface(type(IERC165).interfaceId));
        assertFalse(rewards.supportsInterface(type(IReferralRewards).interfaceId));
        assertFalse(rewards.supportsInterface(0xffffffff));
    }

    function test_proxiableUUID_onlyOnImplementation() public {
        assertEq(implementation.proxiableUUID(), IMPLEMENTATION_SLOT);
        vm.expectRevert(UUPSUpgradeable.UUPSUnauthorizedCallContext.selector);
        rewards.proxiableUUID();
    }

    // ================================================================== version / upgrade

    function test_version_isOneZeroZero() public view {
        assertEq(rewards.version(), "1.0.0");
        assertEq(implementation.version(), "1.0.0");
    }

    function test_upgradeToAndCall_keepsAllState() public {
        // State worth keeping: TRANSFER mode, paid orders, limits with spending, an extra operator, paused.
        _fund(address(token), address(rewards), 100e18);
        vm.startPrank(admin);
        rewards.setRewardMode(TRANSFER);
        rewards.setLimits(20e18, 50e18, 1 days);
        rewards.grantRole(OPERATOR_ROLE, carol);
        vm.stopPrank();
        _pay(alice, 12e18, _orderRef(1));
        _payBatch(_threePayouts());
        vm.prank(admin);
        rewards.pause();
        (uint96 remainingBefore, uint40 windowEndBefore) = rewards.windowState();

        ReferralRewardsV2 v2 = new ReferralRewardsV2();
        vm.expectEmit(address(rewards));
        emit IERC1967.Upgraded(address(v2));
        vm.prank(admin);
        rewards.upgradeToAndCall(address(v2), abi.encodeCall(ReferralRewardsV2.initializeV2, ("limits kept")));

        ReferralRewardsV2 upgraded = ReferralRewardsV2(address(rewards));
        assertEq(upgraded.version(), "2.0.0");
        assertEq(upgraded.upgradeNote(), "limits kept");
        assertEq(address(uint160(uint256(vm.load(address(rewards), IMPLEMENTATION_SLOT)))), address(v2));

        assertTrue(upgraded.hasRole(DEFAULT_ADMIN_ROLE, admin));
        assertTrue(upgraded.hasRole(OPERATOR_ROLE, operator));
        assertTrue(upgraded.hasRole(OPERATOR_ROLE, carol));
        assertEq(upgraded.rewardToken(), address(token));
        assertTrue(upgraded.batchPayouts());
        assertEq(uint8(upgraded.rewardMode()), uint8(TRANSFER));
        assertTrue(upgraded.paused());
        (uint96 maxPerPayment, uint96 windowBudget, uint32 windowDuration) = upgraded.limits();
        assertEq(maxPerPayment, 20e18);
        assertEq(windowBudget, 50e18);
        assertEq(windowDuration, 1 days);
        (uint96 remaining, uint40 windowEnd) = upgraded.windowState();
        assertEq(remaining, remainingBefore);
        assertEq(windowEnd, windowEndBefore);
        for (uint256 i = 1; i <= 3; ++i) {
            assertTrue(upgraded.paidOrders(_orderRef(i)));
        }
        (address referrer, uint96 amount) = upgraded.paymentOf(_orderRef(1));
        assertEq(referrer, alice);
        assertEq(amount, 12e18);

        // It still behaves: paused, then paying from its balance, never twice.
        vm.expectRevert(IReferralRewards.ReferralRewards__EnforcedPause.selector);
        _pay(alice, 1e18, _orderRef(9));
        vm.prank(admin);
        upgraded.unpause();
        vm.expectRevert(
            abi.encodeWithSelector(IReferralRewards.ReferralRewards__AlreadyPaid.selector, _orderRef(1))
        );
        _pay(alice, 1e18, _orderRef(1));
        uint256 balanceBefore = token.balanceOf(address(rewards));
        _pay(alice, 1e18, _orderRef(9));
        assertEq(token.balanceOf(address(rewards)), balanceBefore - 1e18);
    }

    function test_upgradeToAndCall_initializeV2RunsOnce() public {
        ReferralRewardsV2 v2 = new ReferralRewardsV2();
        vm.prank(admin);
        rewards.upgradeToAndCall(address(v2), abi.encodeCall(ReferralRewardsV2.initializeV2, ("first")));

        vm.expectRevert(Initializable.InvalidInitialization.selector);
        ReferralRewardsV2(address(rewards)).initializeV2("second");
        assertEq(ReferralRewardsV2(address(rewards)).upgradeNote(), "first");
    }

    function test_upgradeToAndCall_revertsForNonAdmin() public {
        ReferralRewardsV2 v2 = new ReferralRewardsV2();
        address[2] memory callers = [operator, stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(_unauthorized(callers[i], DEFAULT_ADMIN_ROLE));
            vm.prank(callers[i]);
            rewards.upgradeToAndCall(address(v2), "");
        }
        assertEq(rewards.version(), "1.0.0");
        assertEq(
            address(uint160(uint256(vm.load(address(rewards), IMPLEMENTATION_SLOT)))), address(implementation)
        );
    }

    function test_upgradeToAndCall_revertsOnImplementationDirectly() public {
        ReferralRewardsV2 v2 = new ReferralRewardsV2();
        vm.expectRevert(UUPSUpgradeable.UUPSUnauthorizedCallContext.selector);
        vm.prank(admin);
        implementation.upgradeToAndCall(address(v2), "");
    }

    function test_upgradeToAndCall_revertsForNonUUPSTarget() public {
        vm.expectRevert(
            abi.encodeWithSelector(ERC1967Utils.ERC1967InvalidImplementation.selector, address(token))
        );
        vm.prank(admin);
        rewards.upgradeToAndCall(address(token), "");
        assertEq(rewards.version(), "1.0.0");
    }
}
