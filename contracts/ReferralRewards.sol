// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {
    AccessControlUpgradeable
} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC165Checker} from "@openzeppelin/contracts/utils/introspection/ERC165Checker.sol";

import {IBatchPayoutToken} from "./interfaces/IBatchPayoutToken.sol";
import {IMintableERC20} from "./interfaces/IMintableERC20.sol";
import {IReferralRewards} from "./interfaces/IReferralRewards.sol";

/// @title ReferralRewards
/// @notice The source of truth for referral payouts: every order reference is paid at most once,
///         and what was paid (referrer, amount) stays readable on-chain.
/// @dev UUPS proxy, ERC-7201 namespaced storage. Pause lives in this contract's own config slot
///      rather than in PausableUpgradeable's namespace: a payment then reads one cold slot of
///      configuration instead of two (2,100 gas per transaction).
/// @custom:security-contact security@refcodes.invalid
contract ReferralRewards is Initializable, AccessControlUpgradeable, UUPSUpgradeable, IReferralRewards {
    using SafeERC20 for IERC20;

    /// @notice Role allowed to pay referrals (the server's minter wallet).
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");

    uint256 private constant AMOUNT_BITS = 96;
    uint256 private constant AMOUNT_MASK = 0xffffffffffffffffffffffff; // type(uint96).max

    /// @dev Read on every payment: one slot.
    struct Config {
        address token;
        RewardMode mode;
        bool paused;
        // The token implements IBatchPayoutToken (checked through ERC-165 when set).
        bool batchToken;
        // A per-payment maximum or a window budget is set, so `limits` must be read.
        bool limited;
    }

    /// @dev Read and written by payments only while `Config.limited`: one slot.
    struct Limits {
        uint96 maxPerPayment; // 0 = no maximum
        uint96 windowRemaining; // budget left in the current window
        uint40 windowEnd; // the current window is [windowEnd - windowDuration, windowEnd)
    }

    /// @dev Read only when a window rolls over.
    struct Window {
        uint96 budget; // 0 = no budget
        uint32 duration; // seconds
        // Spent in the current window beyond `budget`, after the admin lowered the budget below
        // what was already paid: raising it again in the same window must not free that money.
        uint96 overspent;
    }

    /// @custom:storage-location erc7201:refcodes.storage.ReferralRewards
    struct ReferralRewardsStorage {
        Config config;
        Limits limits;
        Window window;
        // `uint256(uint160(referrer)) << 96 | amount`; non-zero means paid.
        mapping(bytes32 orderRef => uint256 payment) payments;
    }

    // keccak256(abi.encode(uint256(keccak256("refcodes.storage.ReferralRewards")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION =
        0xb44732e0140382b690d13eb73b2433aec9bcff5812bfae0f360c25dc09555400;

    function _getStorage() private pure returns (ReferralRewardsStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets up roles, the reward token and the payout mode. Called once, through the proxy.
    /// @param admin Receives DEFAULT_ADMIN_ROLE: upgrades, pause, token, mode, limits, rescue.
    /// @param operator Receives OPERATOR_ROLE: pays referrals.
    /// @param token The reward token (must grant this proxy its minter role in MINT mode).
    /// @param mode MINT or TRANSFER.
    function initialize(address admin, address operator, address token, RewardMode mode)
        external
        initializer
    {
        if (admin == address(0) || operator == address(0)) revert ReferralRewards__ZeroAddress();
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(OPERATOR_ROLE, operator);
        _setRewardToken(token);
        _setRewardMode(mode);
    }

    // ---------------------------------------------------------------- payments

    /// @inheritdoc IReferralRewards
    /// @dev Reverts with `ReferralRewards__AlreadyPaid` on a second call for the same order.
    function payReferral(address referrer, uint256 amount, bytes32 orderRef)
        external
        onlyRole(OPERATOR_ROLE)
    {
        if (amount > AMOUNT_MASK) revert ReferralRewards__AmountTooLarge(amount);
        ReferralRewardsStorage storage $ = _getStorage();
        Config memory config = _activeConfig($);
        _checkPayment(referrer, amount, config.limited ? $.limits.maxPerPayment : 0);
        if (!_claim($.payments, orderRef, referrer, amount)) revert ReferralRewards__AlreadyPaid(orderRef);
        if (config.limited) _spend($, amount);

        if (config.mode == RewardMode.MINT) _mintTo(config.token, referrer, amount);
        else IERC20(config.token).safeTransfer(referrer, amount);
    }

    /// @inheritdoc IReferralRewards
    /// @dev Atomic except for already-paid orders, which emit `ReferralPaymentSkipped` and are not
    ///      paid again: a batch re-sent after a crash pays only what is still unpaid. An order that
    ///      appears twice in one batch is paid once. Limits apply to the batch total.
    /// @return paid The number of orders paid by this call.
    function payReferralBatch(PackedPayout[] calldata payouts)
        external
        onlyRole(OPERATOR_ROLE)
        returns (uint256 paid)
    {
        uint256 count = payouts.length;
        if (count == 0) revert ReferralRewards__EmptyBatch();
        ReferralRewardsStorage storage $ = _getStorage();
        Config memory config = _activeConfig($);
        uint256 maxPerPayment = config.limited ? $.limits.maxPerPayment : 0;

        // `toPay` is preceded by two reserved words so `_payOut` can turn it into the token's
        // calldata in place (selector, offset, then this array) without copying it.
        uint256[] memory toPay;
        assembly ("memory-safe") {
            toPay := add(mload(0x40), 0x40)
            mstore(0x40, add(toPay, shl(5, add(count, 1))))
        }
        uint256 total;
        uint256 invalidPayment;
        (paid, total, invalidPayment) = _recordBatch(payouts, $.payments, maxPerPayment, toPay);
        if (invalidPayment != 0) {
            // Reverts with the precise error for that entry.
            _checkPayment(
                address(uint160(invalidPayment >> AMOUNT_BITS)), invalidPayment & AMOUNT_MASK, maxPerPayment
            );
        }
        emit ReferralBatchPaid(paid, count - paid, total);
        if (paid == 0) return 0;
        if (config.limited) _spend($, total);
        _payOut(config, toPay);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IReferralRewards
    function paidOrders(bytes32 orderRef) external view returns (bool) {
        return _getStorage().payments[orderRef] != 0;
    }

    /// @inheritdoc IReferralRewards
    function paymentOf(bytes32 orderRef) external view returns (address referrer, uint96 amount) {
        uint256 payment = _getStorage().payments[orderRef];
        return (address(uint160(payment >> AMOUNT_BITS)), uint96(payment));
    }

    /// @notice The reward token.
    function rewardToken() external view returns (address) {
        return _getStorage().config.token;
    }

    /// @notice The payout mode.
    function rewardMode() external view returns (RewardMode) {
        return _getStorage().config.mode;
    }

    /// @notice Whether the token pays batches in one call (IBatchPayoutToken via ERC-165).
    function batchPayouts() external view returns (bool) {
        return _getStorage().config.batchToken;
    }

    /// @notice Whether payments are paused.
    function paused() external view returns (bool) {
        return _getStorage().config.paused;
    }

    /// @notice The damage limits: 0 disables the per-payment maximum or the window budget.
    function limits()
        external
        view
        returns (uint96 maxPerPayment, uint96 windowBudget, uint32 windowDuration)
    {
        ReferralRewardsStorage storage $ = _getStorage();
        return ($.limits.maxPerPayment, $.window.budget, $.window.duration);
    }

    /// @notice Budget still available now and when the current window ends.
    /// @dev After `windowEnd` the next payment opens a new window with the full budget.
    function windowState() external view returns (uint96 remaining, uint40 windowEnd) {
        ReferralRewardsStorage storage $ = _getStorage();
        Limits memory current = $.limits;
        if (current.windowEnd == 0) return (type(uint96).max, 0);
        if (block.timestamp >= current.windowEnd) return ($.window.budget, 0);
        return (current.windowRemaining, current.windowEnd);
    }

    /// @notice The implementation version, bumped by every upgrade.
    function version() external pure virtual returns (string memory) {
        return "1.0.0";
    }

    // ---------------------------------------------------------------- admin

    /// @notice Stops every payment path until `unpause`.
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        Config storage config = _getStorage().config;
        if (config.paused) revert ReferralRewards__EnforcedPause();
        config.paused = true;
        emit Paused(_msgSender());
    }

    /// @notice Resumes payments.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        Config storage config = _getStorage().config;
        if (!config.paused) revert ReferralRewards__ExpectedPause();
        config.paused = false;
        emit Unpaused(_msgSender());
    }

    /// @notice Replaces the reward token; batch support is detected through ERC-165.
    function setRewardToken(address token) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setRewardToken(token);
    }

    /// @notice Switches between minting and paying from this contract's balance.
    function setRewardMode(RewardMode mode) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setRewardMode(mode);
    }

    /// @notice Caps what a leaked operator key can pay out.
    /// @dev Spending so far in the current window still counts against a new budget; a new
    ///      duration moves the end of the current window. Zero disables a limit.
    /// @param maxPerPayment The largest amount one order may be paid (0 = no maximum).
    /// @param windowBudget The most all payments together may pay per window (0 = no budget).
    /// @param windowDuration The window length in seconds; required when `windowBudget` is set.
    function setLimits(uint96 maxPerPayment, uint96 windowBudget, uint32 windowDuration)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if ((windowBudget == 0) != (windowDuration == 0)) {
            revert ReferralRewards__InvalidWindow(windowBudget, windowDuration);
        }
        ReferralRewardsStorage storage $ = _getStorage();
        Limits memory current = $.limits;
        Window memory window = $.window;

        uint40 windowEnd;
        uint96 windowRemaining;
        uint96 overspent;
        if (windowBudget != 0) {
            bool windowOpen = current.windowEnd != 0 && block.timestamp < current.windowEnd;
            // Below 2**96: a window never pays more than the largest budget it had.
            uint256 spent = windowOpen ? window.budget - current.windowRemaining + window.overspent : 0;
            uint256 start = windowOpen ? current.windowEnd - window.duration : block.timestamp;
            windowEnd = uint40(start + windowDuration);
            windowRemaining = spent >= windowBudget ? 0 : uint96(windowBudget - spent);
            overspent = spent > windowBudget ? uint96(spent - windowBudget) : 0;
        }
        $.limits = Limits(maxPerPayment, windowRemaining, windowEnd);
        $.window = Window(windowBudget, windowDuration, overspent);
        $.config.limited = maxPerPayment != 0 || windowBudget != 0;
        emit LimitsUpdated(maxPerPayment, windowBudget, windowDuration);
    }

    /// @notice Withdraws tokens held by this contract, such as TRANSFER-mode surplus.
    function rescue(address token, address to, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (to == address(0)) revert ReferralRewards__ZeroAddress();
        emit Rescued(token, to, amount);
        IERC20(token).safeTransfer(to, amount);
    }

    // ---------------------------------------------------------------- internals

    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}

    function _activeConfig(ReferralRewardsStorage storage $) private view returns (Config memory config) {
        config = $.config;
        if (config.paused) revert ReferralRewards__EnforcedPause();
    }

    function _checkPayment(address referrer, uint256 amount, uint256 maxPerPayment) private pure {
        if (referrer == address(0)) revert ReferralRewards__ZeroAddress();
        if (amount == 0) revert ReferralRewards__ZeroAmount();
        if (maxPerPayment != 0 && amount > maxPerPayment) {
            revert ReferralRewards__AboveMaxPerPayment(amount, maxPerPayment);
        }
    }

    /// @dev Charges `amount` to the current window, opening a new one if the last has ended.
    ///      `windowEnd == 0` means no window budget is set (only a per-payment maximum).
    function _spend(ReferralRewardsStorage storage $, uint256 amount) private {
        Limits memory current = $.limits;
        if (current.windowEnd == 0) return;
        if (block.timestamp >= current.windowEnd) {
            Window memory window = $.window;
            current.windowRemaining = window.budget;
            current.windowEnd = uint40(block.timestamp + window.duration);
            if (window.overspent != 0) $.window.overspent = 0;
        }
        if (amount > current.windowRemaining) {
            revert ReferralRewards__WindowBudgetExceeded(amount, current.windowRemaining);
        }
        unchecked {
            current.windowRemaining -= uint96(amount);
        }
        $.limits = current;
    }

    /// @dev Stores the packed payment for `orderRef` and logs ReferralPaid, unless the order is
    ///      already paid (then returns false and changes nothing).
    function _claim(
        mapping(bytes32 => uint256) storage payments,
        bytes32 orderRef,
        address referrer,
        uint256 amount
    ) private returns (bool claimed) {
        bytes32 paidTopic = ReferralPaid.selector;
        assembly ("memory-safe") {
            mstore(0x00, orderRef)
            mstore(0x20, payments.slot)
            let slot := keccak256(0x00, 0x40)
            claimed := iszero(sload(slot))
            if claimed {
                sstore(slot, or(shl(AMOUNT_BITS, referrer), amount))
                mstore(0x00, amount)
                log3(0x00, 0x20, paidTopic, orderRef, referrer)
            }
        }
    }

    /// @dev `token.mint(to, amount)` without Solidity's extcodesize check: `_setRewardToken`
    ///      only accepts an address with code, and code cannot disappear since Cancun.
    function _mintTo(address token, address to, uint256 amount) private {
        bytes4 selector = IMintableERC20.mint.selector;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), to)
            mstore(add(ptr, 0x24), amount)
            if iszero(call(gas(), token, 0, ptr, 0x44, 0, 0)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
        }
    }

    /// @dev The batch's hot loop, in assembly: ~150 gas per entry above the floor instead of ~850
    ///      in Solidity. Per entry: validate, claim `payments[orderRef]` if unset, log, and append the
    ///      packed payment to `toPay`. Stops at the first invalid entry and returns it (non-zero).
    function _recordBatch(
        PackedPayout[] calldata payouts,
        mapping(bytes32 => uint256) storage payments,
        uint256 maxPerPayment,
        uint256[] memory toPay
    ) private returns (uint256 paid, uint256 total, uint256 invalidPayment) {
        bytes32 paidTopic = ReferralPaid.selector;
        bytes32 skippedTopic = ReferralPaymentSkipped.selector;
        uint256 amountCap = maxPerPayment == 0 ? AMOUNT_MASK : maxPerPayment;
        assembly ("memory-safe") {
            // Scratch word 0x20 holds the mapping slot for the whole loop; only 0x00 changes.
            mstore(0x20, payments.slot)
            let out := add(toPay, 0x20)
            for {
                let entry := payouts.offset
                let end := add(entry, shl(6, payouts.length))
            } lt(entry, end) { entry := add(entry, 0x40) } {
                let orderRef := calldataload(entry)
                let payment := calldataload(add(entry, 0x20))
                let referrer := shr(96, payment)
                let amount := and(payment, AMOUNT_MASK)
                if or(or(iszero(referrer), iszero(amount)), gt(amount, amountCap)) {
                    invalidPayment := or(payment, iszero(payment)) // keep it non-zero
                    break
                }
                mstore(0x00, orderRef)
                let slot := keccak256(0x00, 0x40)
                mstore(0x00, amount)
                switch sload(slot)
                case 0 {
                    sstore(slot, payment)
                    log3(0x00, 0x20, paidTopic, orderRef, referrer)
                    mstore(out, payment)
                    out := add(out, 0x20)
                    total := add(total, amount) // amounts are below 2**96: cannot overflow
                }
                default { log3(0x00, 0x20, skippedTopic, orderRef, referrer) }
            }
            paid := shr(5, sub(out, add(toPay, 0x20)))
            mstore(toPay, paid) // drop the unused tail (skipped entries)
        }
    }

    /// @dev `payments` must come from `payReferralBatch`, which reserves two words before it.
    function _payOut(Config memory config, uint256[] memory payments) private {
        address token = config.token;
        if (config.batchToken) {
            // `batchToken` was set only after ERC-165 answered from this address, so it has code.
            bytes4 selector = config.mode == RewardMode.MINT
                ? IBatchPayoutToken.mintBatch.selector
                : IBatchPayoutToken.transferBatch.selector;
            assembly ("memory-safe") {
                let header := sub(payments, 0x40)
                mstore(header, shr(224, selector))
                mstore(add(header, 0x20), 0x20) // offset of the array argument
                let size := add(0x44, shl(5, mload(payments)))
                if iszero(call(gas(), token, 0, add(header, 0x1c), size, 0, 0)) {
                    let ptr := mload(0x40)
                    returndatacopy(ptr, 0, returndatasize())
                    revert(ptr, returndatasize())
                }
            }
            return;
        }
        for (uint256 i; i < payments.length; ++i) {
            address referrer = address(uint160(payments[i] >> AMOUNT_BITS));
            uint256 amount = payments[i] & AMOUNT_MASK;
            if (config.mode == RewardMode.MINT) IMintableERC20(token).mint(referrer, amount);
            else IERC20(token).safeTransfer(referrer, amount);
        }
    }

    function _setRewardToken(address token) private {
        if (token == address(0)) revert ReferralRewards__ZeroAddress();
        if (token.code.length == 0) revert ReferralRewards__NotAContract(token);
        Config storage config = _getStorage().config;
        address previous = config.token;
        bool batchToken = ERC165Checker.supportsInterface(token, type(IBatchPayoutToken).interfaceId);
        config.token = token;
        config.batchToken = batchToken;
        emit RewardTokenUpdated(previous, token, batchToken);
    }

    function _setRewardMode(RewardMode mode) private {
        Config storage config = _getStorage().config;
        RewardMode previous = config.mode;
        config.mode = mode;
        emit RewardModeUpdated(previous, mode);
    }
}
