// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {
    AccessControlUpgradeable
} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IMintableERC20} from "../../interfaces/IMintableERC20.sol";

/// @title OriginalReferralRewards (gas baseline only — never deploy)
/// @notice The platform module's contract as its documentation describes it (shared/seeds):
///         OpenZeppelin upgradeable with roles and pause, MINT/TRANSFER modes, a `paidOrders` bool
///         mapping, `ReferralRewards__AlreadyPaid`, one `payReferral` per transaction. Written the
///         idiomatic OpenZeppelin way with nothing wasted on purpose, and paired with a standard
///         OpenZeppelin minter-role token (PlainMintableToken): the `sequential100` baseline of
///         `npm run bench:gas`. OriginalReferralRewards.t.sol shows it pays once, as ours does.
contract OriginalReferralRewards is
    Initializable,
    AccessControlUpgradeable,
    PausableUpgradeable,
    UUPSUpgradeable
{
    using SafeERC20 for IERC20;

    enum RewardMode {
        MINT,
        TRANSFER
    }

    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");

    IERC20 public rewardToken;
    RewardMode public rewardMode;
    mapping(bytes32 orderRef => bool) public paidOrders;

    event ReferralPaid(bytes32 indexed orderRef, address indexed referrer, uint256 amount);

    error ReferralRewards__AlreadyPaid(bytes32 orderRef);
    error ReferralRewards__ZeroAddress();
    error ReferralRewards__ZeroAmount();

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Roles, token and mode, once, through the proxy.
    function initialize(address admin, address operator, address token, RewardMode mode)
        external
        initializer
    {
        __AccessControl_init();
        __Pausable_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(OPERATOR_ROLE, operator);
        rewardToken = IERC20(token);
        rewardMode = mode;
    }

    /// @notice Pays `amount` to `referrer` for `orderRef`, once.
    function payReferral(address referrer, uint256 amount, bytes32 orderRef)
        external
        onlyRole(OPERATOR_ROLE)
        whenNotPaused
    {
        if (referrer == address(0)) revert ReferralRewards__ZeroAddress();
        if (amount == 0) revert ReferralRewards__ZeroAmount();
        if (paidOrders[orderRef]) revert ReferralRewards__AlreadyPaid(orderRef);
        paidOrders[orderRef] = true;
        if (rewardMode == RewardMode.MINT) IMintableERC20(address(rewardToken)).mint(referrer, amount);
        else rewardToken.safeTransfer(referrer, amount);
        emit ReferralPaid(orderRef, referrer, amount);
    }

    /// @notice Stops payments.
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @notice Resumes payments.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}
}
