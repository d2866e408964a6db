// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {Vm} from "forge-std/Vm.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ReferralRewards} from "../../../contracts/ReferralRewards.sol";
import {RewardToken} from "../../../contracts/RewardToken.sol";
import {IReferralRewards} from "../../../contracts/interfaces/IReferralRewards.sol";

/// @notice Drives ReferralRewards for the invariant tests: the operator pays single orders and
///         batches (re-sending paid orders, duplicating and sometimes corrupting entries), time
///         passes, the admin pauses and unpauses, and accounts without a role try everything.
///         Ghost state is built from the ReferralPaid events actually emitted, and a model of the
///         limits predicts every outcome.
contract ReferralRewardsHandler is CommonBase, StdCheats, StdUtils {
    bytes32 internal constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 internal constant MINTER_ROLE = keccak256("MINTER_ROLE");
    bytes32 internal constant DEFAULT_ADMIN_ROLE = 0x00;
    uint256 internal constant AMOUNT_MASK = type(uint96).max;

    uint256 public constant ORDER_POOL = 64;
    uint256 public constant REFERRER_POOL = 6;
    uint256 public constant STRANGER_POOL = 4;

    ReferralRewards public immutable rewards;
    RewardToken public immutable token;
    address public immutable admin;
    address public immutable operator;
    uint96 public immutable maxPerPayment;
    uint96 public immutable windowBudget;
    uint32 public immutable windowDuration;

    address[] internal _referrers;
    address[] internal _strangers;
    bytes32[] internal _orders;

    // ------------------------------------------------------------------ ghosts

    /// Successful ReferralPaid events per orderRef, and the first one's content.
    mapping(bytes32 orderRef => uint256) public ghost_paidCount;
    mapping(bytes32 orderRef => address) public ghost_firstReferrer;
    mapping(bytes32 orderRef => uint256) public ghost_firstAmount;
    bytes32[] public ghost_paidOrders;
    /// Sum of ReferralPaid amounts, overall and per referrer.
    uint256 public ghost_totalPaid;
    mapping(address referrer => uint256) public ghost_paidTo;
    /// Largest single ReferralPaid amount.
    uint256 public ghost_maxPayment;
    /// The budget window as the model sees it: [start, end), and what was paid inside it.
    uint256 public ghost_windowStart;
    uint256 public ghost_windowEnd;
    uint256 public ghost_windowSpent;
    uint256 public ghost_maxWindowSpent;
    uint256 public ghost_windows;
    /// Set when the contract's windowState disagrees with the model.
    bool public ghost_windowMismatch;
    /// Set when a call succeeded or reverted against the model's prediction (with the reason).
    bool public ghost_unexpectedOutcome;
    string public ghost_unexpectedReason;
    /// Calls from accounts without a role.
    uint256 public ghost_unauthorizedCalls;
    bool public ghost_unauthorizedSucceeded;
    bool public ghost_unauthorizedWrongError;
    bool public ghost_unauthorizedChangedBalance;
    /// Call statistics.
    uint256 public ghost_singlePaid;
    uint256 public ghost_batchesPaid;
    uint256 public ghost_skipped;
    uint256 public ghost_rejected;
    uint256 public ghost_pausedRejected;
    uint256 public ghost_budgetRejected;

    constructor(
        ReferralRewards rewards_,
        RewardToken token_,
        address admin_,
        address operator_,
        uint96 maxPerPayment_,
        uint96 windowBudget_,
        uint32 windowDuration_
    ) {
        rewards = rewards_;
        token = token_;
        admin = admin_;
        operator = operator_;
        maxPerPayment = maxPerPayment_;
        windowBudget = windowBudget_;
        windowDuration = windowDuration_;
        for (uint256 i; i < REFERRER_POOL; ++i) {
            _referrers.push(address(uint160(uint256(keccak256(abi.encode("invariant referrer", i))))));
        }
        for (uint256 i; i < STRANGER_POOL; ++i) {
            _strangers.push(address(uint160(uint256(keccak256(abi.encode("invariant stranger", i))))));
        }
        for (uint256 i; i < ORDER_POOL; ++i) {
            _orders.push(keccak256(abi.encode("invariant order", i)));
        }
        (, uint40 end) = rewards_.windowState();
        ghost_windowStart = block.timestamp;
        ghost_windowEnd = end;
    }

    // ------------------------------------------------------------------ views for the invariants

    function referrers() external view returns (address[] memory) {
        return _referrers;
    }

    function orders() external view returns (bytes32[] memory) {
        return _orders;
    }

    function paidOrdersCount() external view returns (uint256) {
        return ghost_paidOrders.length;
    }

    // ------------------------------------------------------------------ operator actions

    /// @notice One payReferral by the operator; the model predicts success or the exact error.
    function payReferral(uint256 referrerSeed, uint256 amount, uint256 orderSeed) external {
        address referrer = _pickReferrer(referrerSeed);
        amount = _pickAmount(amount);
        bytes32 orderRef = _orders[orderSeed % ORDER_POOL];

        bytes memory expected = _expectedSingleError(referrer, amount, orderRef);
        vm.recordLogs();
        vm.prank(operator);
        try rewards.payReferral(referrer, amount, orderRef) {
            _recordPaid(vm.getRecordedLogs(), amount);
            if (expected.length != 0) _unexpected("payReferral succeeded, model expected a revert");
            ++ghost_singlePaid;
        } catch (bytes memory reason) {
            vm.getRecordedLogs(); // discard
            if (keccak256(reason) != keccak256(expected)) {
                _unexpected("payReferral reverted unlike the model");
            }
            _countRejection(reason);
        }
        _checkWindow();
    }

    struct BatchPlan {
        uint256 newTotal;
        uint256 newCount;
        bytes invalidError;
    }

    /// @notice A payReferralBatch of 1..10 entries: fresh orders, already-paid orders re-sent,
    ///         duplicates inside the batch, and (rarely) an invalid entry.
    function payReferralBatch(uint256 seed, uint256 size) external {
        size = bound(size, 1, 10);
        IReferralRewards.PackedPayout[] memory payouts = new IReferralRewards.PackedPayout[](size);
        bool allowInvalid = seed % 5 == 0;
        for (uint256 i; i < size; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            bytes32 orderRef;
            if (r % 3 == 0 && ghost_paidOrders.length != 0) {
                orderRef = ghost_paidOrders[(r >> 8) % ghost_paidOrders.length]; // a re-send
            } else if (r % 7 == 1 && i != 0) {
                orderRef = payouts[(r >> 8) % i].orderRef; // a duplicate inside the batch
            } else {
                orderRef = _orders[(r >> 8) % ORDER_POOL];
            }
            address referrer = _referrers[(r >> 16) % REFERRER_POOL];
            // Mostly small rewards, one in four up to the maximum.
            uint256 amount = bound(r >> 32, 1, (r >> 24) % 4 == 0 ? maxPerPayment : maxPerPayment / 10);
            if (allowInvalid && (r >> 200) % 4 == 0) {
                uint256 kind = (r >> 208) % 3;
                if (kind == 0) referrer = address(0);
                else if (kind == 1) amount = 0;
                else amount = uint256(maxPerPayment) + 1 + ((r >> 216) % 1000);
            }
            payouts[i] = IReferralRewards.PackedPayout(orderRef, uint256(uint160(referrer)) << 96 | amount);
        }

        BatchPlan memory plan = _planBatch(payouts);
        bytes memory expected = _expectedBatchError(plan);
        vm.recordLogs();
        vm.prank(operator);
        try rewards.payReferralBatch(payouts) returns (uint256 paid) {
            uint256 sum = _recordPaid(vm.getRecordedLogs(), 0);
            if (expected.length != 0) _unexpected("payReferralBatch succeeded, model expected a revert");
            if (paid != plan.newCount || sum != plan.newTotal) {
                _unexpected("payReferralBatch paid unlike the model");
            }
            ghost_skipped += size - paid;
            if (paid != 0) ++ghost_batchesPaid;
        } catch (bytes memory reason) {
            vm.getRecordedLogs();
            if (keccak256(reason) != keccak256(expected)) {
                _unexpected("payReferralBatch reverted unlike the model");
            }
            _countRejection(reason);
        }
        _checkWindow();
    }

    // ------------------------------------------------------------------ time and admin

    /// @notice Lets up to a quarter of a window pass, or jumps exactly to the end of the current window.
    ///         A pause does not outlive the time passing (the admin resumes after the incident).
    function warp(uint256 seconds_) external {
        if (rewards.paused()) {
            vm.prank(admin);
            rewards.unpause();
        }
        if (seconds_ % 5 == 0 && ghost_windowEnd > block.timestamp) {
            vm.warp(ghost_windowEnd);
        } else {
            vm.warp(block.timestamp + bound(seconds_, 1, windowDuration / 4));
        }
        _checkWindow();
    }

    /// @notice The admin unpauses when paused, and pauses one time in four otherwise. Pausing or
    ///         unpausing twice must fail with the contract's own errors.
    function pauseOrUnpause(uint256 seed) external {
        if (rewards.paused()) {
            if (seed % 4 == 0) {
                _expectAdminRevert(abi.encodeCall(ReferralRewards.pause, ()), "pause while paused");
            }
            vm.prank(admin);
            rewards.unpause();
        } else if (seed % 4 == 0) {
            vm.prank(admin);
            rewards.pause();
        } else if (seed % 4 == 1) {
            _expectAdminRevert(abi.encodeCall(ReferralRewards.unpause, ()), "unpause while not paused");
        }
    }

    function _expectAdminRevert(bytes memory call, string memory what) internal {
        vm.prank(admin);
        (bool ok, bytes memory reason) = address(rewards).call(call);
        bytes4 want = rewards.paused()
            ? IReferralRewards.ReferralRewards__EnforcedPause.selector
            : IReferralRewards.ReferralRewards__ExpectedPause.selector;
        if (ok || keccak256(reason) != keccak256(abi.encodePacked(want))) _unexpected(what);
    }

    // ------------------------------------------------------------------ accounts without a role

    /// @notice A random account without any role calls one restricted function. It must revert with
    ///         AccessControlUnauthorizedAccount and change no balance.
    function callWithoutRole(address caller, uint256 action, uint256 amount, uint256 orderSeed) external {
        caller = _withoutRole(caller);
        amount = _pickAmount(amount);
        bytes32 orderRef = _orders[orderSeed % ORDER_POOL];
        address referrer = _referrers[orderSeed % REFERRER_POOL];

        address target = address(rewards);
        bytes32 role = DEFAULT_ADMIN_ROLE;
        bytes memory data;
        action %= 11;
        if (action == 0) {
            data = abi.encodeCall(ReferralRewards.payReferral, (caller, amount, orderRef));
            role = OPERATOR_ROLE;
        } else if (action == 1) {
            IReferralRewards.PackedPayout[] memory payouts = new IReferralRewards.PackedPayout[](2);
            payouts[0] = IReferralRewards.PackedPayout(orderRef, uint256(uint160(caller)) << 96 | amount);
            payouts[1] = IReferralRewards.PackedPayout(
                keccak256(abi.encode(orderRef)), uint256(uint160(referrer)) << 96 | 1
            );
            data = abi.encodeCall(ReferralRewards.payReferralBatch, (payouts));
            role = OPERATOR_ROLE;
        } else if (action == 2) {
            data = abi.encodeCall(ReferralRewards.pause, ());
        } else if (action == 3) {
            data = abi.encodeCall(ReferralRewards.unpause, ());
        } else if (action == 4) {
            data = abi.encodeCall(ReferralRewards.setLimits, (0, 0, 0));
        } else if (action == 5) {
            data = abi.encodeCall(ReferralRewards.setRewardToken, (caller));
        } else if (action == 6) {
            data = abi.encodeCall(ReferralRewards.setRewardMode, (IReferralRewards.RewardMode(amount % 2)));
        } else if (action == 7) {
            data = abi.encodeCall(ReferralRewards.rescue, (address(token), caller, amount));
        } else if (action == 8) {
            data = abi.encodeCall(rewards.upgradeToAndCall, (caller, ""));
        } else if (action == 9) {
            data = abi.encodeCall(IAccessControl.grantRole, (OPERATOR_ROLE, caller));
        } else {
            // Straight at the token: minting needs the token's minter role.
            target = address(token);
            role = MINTER_ROLE;
            data = amount % 2 == 0
                ? abi.encodeCall(RewardToken.mint, (caller, amount))
                : abi.encodeCall(RewardToken.mintBatch, (_single(caller, amount)));
        }

        uint256[] memory before = _balances(caller);
        vm.prank(caller);
        (bool ok, bytes memory reason) = target.call(data);
        ++ghost_unauthorizedCalls;
        if (ok) ghost_unauthorizedSucceeded = true;
        bytes memory want =
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, role);
        if (keccak256(reason) != keccak256(want)) ghost_unauthorizedWrongError = true;
        uint256[] memory afterwards = _balances(caller);
        for (uint256 i; i < before.length; ++i) {
            if (before[i] != afterwards[i]) ghost_unauthorizedChangedBalance = true;
        }
    }

    // ------------------------------------------------------------------ internals

    function _pickReferrer(uint256 seed) internal view returns (address) {
        if (seed % 23 == 0) return address(0);
        return _referrers[seed % REFERRER_POOL];
    }

    /// @dev Mostly within the maximum, sometimes above it, sometimes zero. The fuzzer's own value
    ///      is kept one time in eight (its dictionary favours edge cases such as 0 and 1) and hashed
    ///      otherwise, so that most amounts are realistic and the window budget is actually reached.
    function _pickAmount(uint256 amount) internal view returns (uint256) {
        if (amount % 8 != 0) amount = uint256(keccak256(abi.encode(amount)));
        return bound(amount, 0, uint256(maxPerPayment) + maxPerPayment / 5);
    }

    /// @dev A caller with none of the roles on the rewards contract or the token.
    function _withoutRole(address caller) internal view returns (address) {
        if (
            rewards.hasRole(DEFAULT_ADMIN_ROLE, caller) || rewards.hasRole(OPERATOR_ROLE, caller)
                || token.hasRole(DEFAULT_ADMIN_ROLE, caller) || token.hasRole(MINTER_ROLE, caller)
        ) {
            return _strangers[uint160(caller) % STRANGER_POOL];
        }
        return caller;
    }

    function _single(address payee, uint256 amount) internal pure returns (uint256[] memory payments) {
        payments = new uint256[](1);
        payments[0] = uint256(uint160(payee)) << 96 | amount;
    }

    /// @dev Every balance the handler can touch, and the total supply last.
    function _balances(address caller) internal view returns (uint256[] memory values) {
        values = new uint256[](REFERRER_POOL + 6);
        for (uint256 i; i < REFERRER_POOL; ++i) {
            values[i] = token.balanceOf(_referrers[i]);
        }
        values[REFERRER_POOL] = token.balanceOf(caller);
        values[REFERRER_POOL + 1] = token.balanceOf(address(rewards));
        values[REFERRER_POOL + 2] = token.balanceOf(admin);
        values[REFERRER_POOL + 3] = token.balanceOf(operator);
        values[REFERRER_POOL + 4] =
            uint256(rewards.paused() ? 1 : 0) | uint256(uint8(rewards.rewardMode())) << 1;
        values[REFERRER_POOL + 5] = token.totalSupply();
    }

    function _remainingNow() internal view returns (uint256) {
        return block.timestamp >= ghost_windowEnd ? windowBudget : windowBudget - ghost_windowSpent;
    }

    function _expectedSingleError(address referrer, uint256 amount, bytes32 orderRef)
        internal
        view
        returns (bytes memory)
    {
        if (rewards.paused()) {
            return abi.encodeWithSelector(IReferralRewards.ReferralRewards__EnforcedPause.selector);
        }
        if (referrer == address(0)) {
            return abi.encodeWithSelector(IReferralRewards.ReferralRewards__ZeroAddress.selector);
        }
        if (amount == 0) {
            return abi.encodeWithSelector(IReferralRewards.ReferralRewards__ZeroAmount.selector);
        }
        if (amount > maxPerPayment) {
            return abi.encodeWithSelector(
                IReferralRewards.ReferralRewards__AboveMaxPerPayment.selector, amount, maxPerPayment
            );
        }
        if (ghost_paidCount[orderRef] != 0) {
            return abi.encodeWithSelector(IReferralRewards.ReferralRewards__AlreadyPaid.selector, orderRef);
        }
        if (amount > _remainingNow()) {
            return abi.encodeWithSelector(
                IReferralRewards.ReferralRewards__WindowBudgetExceeded.selector, amount, _remainingNow()
            );
        }
        return "";
    }

    function _planBatch(IReferralRewards.PackedPayout[] memory payouts)
        internal
        view
        returns (BatchPlan memory plan)
    {
        bytes32[] memory claimed = new bytes32[](payouts.length);
        for (uint256 i; i < payouts.length; ++i) {
            address referrer = address(uint160(payouts[i].payment >> 96));
            uint256 amount = payouts[i].payment & AMOUNT_MASK;
            if (referrer == address(0)) {
                plan.invalidError =
                    abi.encodeWithSelector(IReferralRewards.ReferralRewards__ZeroAddress.selector);
                return plan;
            }
            if (amount == 0) {
                plan.invalidError =
                    abi.encodeWithSelector(IReferralRewards.ReferralRewards__ZeroAmount.selector);
                return plan;
            }
            if (amount > maxPerPayment) {
                plan.invalidError = abi.encodeWithSelector(
                    IReferralRewards.ReferralRewards__AboveMaxPerPayment.selector, amount, maxPerPayment
                );
                return plan;
            }
            bool paid = ghost_paidCount[payouts[i].orderRef] != 0;
            for (uint256 j; j < plan.newCount && !paid; ++j) {
                paid = claimed[j] == payouts[i].orderRef;
            }
            if (!paid) {
                claimed[plan.newCount++] = payouts[i].orderRef;
                plan.newTotal += amount;
            }
        }
    }

    function _expectedBatchError(BatchPlan memory plan) internal view returns (bytes memory) {
        if (rewards.paused()) {
            return abi.encodeWithSelector(IReferralRewards.ReferralRewards__EnforcedPause.selector);
        }
        if (plan.invalidError.length != 0) return plan.invalidError;
        if (plan.newCount != 0 && plan.newTotal > _remainingNow()) {
            return abi.encodeWithSelector(
                IReferralRewards.ReferralRewards__WindowBudgetExceeded.selector,
                plan.newTotal,
                _remainingNow()
            );
        }
        return "";
    }

    /// @dev Folds the ReferralPaid events of a successful call into the ghosts and the window
    ///      model; returns their sum. `single` is the amount a payReferral was asked to pay (0 for
    ///      a batch) and must match its one event.
    function _recordPaid(Vm.Log[] memory logs, uint256 single) internal returns (uint256 sum) {
        uint256 events;
        for (uint256 i; i < logs.length; ++i) {
            if (
                logs[i].emitter != address(rewards)
                    || logs[i].topics[0] != IReferralRewards.ReferralPaid.selector
            ) {
                continue;
            }
            bytes32 orderRef = logs[i].topics[1];
            address referrer = address(uint160(uint256(logs[i].topics[2])));
            uint256 amount = abi.decode(logs[i].data, (uint256));
            if (ghost_paidCount[orderRef]++ == 0) {
                ghost_firstReferrer[orderRef] = referrer;
                ghost_firstAmount[orderRef] = amount;
                ghost_paidOrders.push(orderRef);
            }
            ghost_totalPaid += amount;
            ghost_paidTo[referrer] += amount;
            if (amount > ghost_maxPayment) ghost_maxPayment = amount;
            sum += amount;
            ++events;
        }
        if (single != 0 && (events != 1 || sum != single)) _unexpected("payReferral event unlike the call");
        if (sum == 0) return sum;
        // Charge the model's window the way the budget is defined: a window opens at the first
        // payment at or after the previous window's end and lasts `windowDuration`.
        if (block.timestamp >= ghost_windowEnd) {
            ghost_windowStart = block.timestamp;
            ghost_windowEnd = block.timestamp + windowDuration;
            ghost_windowSpent = 0;
            ++ghost_windows;
        }
        ghost_windowSpent += sum;
        if (ghost_windowSpent > ghost_maxWindowSpent) ghost_maxWindowSpent = ghost_windowSpent;
    }

    function _checkWindow() internal {
        (uint96 remaining, uint40 end) = rewards.windowState();
        if (block.timestamp >= ghost_windowEnd) {
            if (remaining != windowBudget || end != 0) ghost_windowMismatch = true;
        } else if (end != ghost_windowEnd || remaining + ghost_windowSpent != windowBudget) {
            ghost_windowMismatch = true;
        }
    }

    function _countRejection(bytes memory reason) internal {
        ++ghost_rejected;
        if (bytes4(reason) == IReferralRewards.ReferralRewards__EnforcedPause.selector) {
            ++ghost_pausedRejected;
        }
        if (bytes4(reason) == IReferralRewards.ReferralRewards__WindowBudgetExceeded.selector) {
            ++ghost_budgetRejected;
        }
    }

    function _unexpected(string memory reason) internal {
        if (!ghost_unexpectedOutcome) ghost_unexpectedReason = reason;
        ghost_unexpectedOutcome = true;
    }
}
