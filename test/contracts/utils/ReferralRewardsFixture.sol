// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

import {ReferralRewards} from "../../../contracts/ReferralRewards.sol";
import {RewardToken} from "../../../contracts/RewardToken.sol";
import {IMintableERC20} from "../../../contracts/interfaces/IMintableERC20.sol";
import {IReferralRewards} from "../../../contracts/interfaces/IReferralRewards.sol";
import {PlainMintableToken} from "../../../contracts/mocks/PlainMintableToken.sol";

/// @notice Shared deployment and helpers: a RewardToken, the ReferralRewards implementation and an
///         ERC1967 proxy initialized through `initialize`, in MINT or TRANSFER mode.
abstract contract ReferralRewardsFixture is Test {
    bytes32 internal constant DEFAULT_ADMIN_ROLE = 0x00;
    bytes32 internal constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 internal constant MINTER_ROLE = keccak256("MINTER_ROLE");
    // bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1)
    bytes32 internal constant IMPLEMENTATION_SLOT =
        0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc;
    uint256 internal constant AMOUNT_MAX = type(uint96).max;

    IReferralRewards.RewardMode internal constant MINT = IReferralRewards.RewardMode.MINT;
    IReferralRewards.RewardMode internal constant TRANSFER = IReferralRewards.RewardMode.TRANSFER;

    address internal admin = makeAddr("admin");
    address internal operator = makeAddr("operator");
    address internal stranger = makeAddr("stranger");
    address internal treasury = makeAddr("treasury");

    RewardToken internal token;
    ReferralRewards internal implementation;
    ReferralRewards internal rewards;

    // ------------------------------------------------------------------ deployment

    function _deployToken() internal returns (RewardToken) {
        return new RewardToken("Refcodes Reward", "RCR", admin, address(0));
    }

    /// @dev As the deploy script does: the token names the proxy that will be created right after it
    ///      as its primary minter.
    function _deployTokenWithPrimaryMinter() internal returns (RewardToken deployed) {
        if (address(implementation) == address(0)) implementation = new ReferralRewards();
        address proxy = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 1);
        deployed = new RewardToken("Refcodes Reward", "RCR", admin, proxy);
    }

    function _deployPlainToken() internal returns (PlainMintableToken) {
        return new PlainMintableToken(admin);
    }

    function _initData(address rewardToken, IReferralRewards.RewardMode mode)
        internal
        view
        returns (bytes memory)
    {
        return abi.encodeCall(ReferralRewards.initialize, (admin, operator, rewardToken, mode));
    }

    /// @dev A fresh proxy in front of the shared implementation.
    function _deployRewards(address rewardToken, IReferralRewards.RewardMode mode)
        internal
        returns (ReferralRewards)
    {
        if (address(implementation) == address(0)) implementation = new ReferralRewards();
        return
            ReferralRewards(address(new ERC1967Proxy(address(implementation), _initData(rewardToken, mode))));
    }

    function _grantMinter(address rewardToken, address account) internal {
        vm.prank(admin);
        IAccessControl(rewardToken).grantRole(MINTER_ROLE, account);
    }

    /// @dev Mints `amount` of `rewardToken` to `to` through the treasury minter (no supply tricks).
    function _fund(address rewardToken, address to, uint256 amount) internal {
        if (!IAccessControl(rewardToken).hasRole(MINTER_ROLE, treasury)) _grantMinter(rewardToken, treasury);
        vm.prank(treasury);
        IMintableERC20(rewardToken).mint(to, amount);
    }

    /// @dev `token` + `rewards` in MINT mode, the proxy being the token's primary minter.
    function _setUpMint() internal {
        token = _deployTokenWithPrimaryMinter();
        rewards = _deployRewards(address(token), MINT);
        assertEq(token.primaryMinter(), address(rewards), "primary minter prediction");
    }

    /// @dev MINT mode through a revocable MINTER_ROLE grant instead of a primary minter.
    function _setUpMintThroughRole() internal {
        token = _deployToken();
        rewards = _deployRewards(address(token), MINT);
        _grantMinter(address(token), address(rewards));
    }

    /// @dev `token` + `rewards` in TRANSFER mode, the proxy funded with `funding` tokens.
    function _setUpTransfer(uint256 funding) internal {
        token = _deployToken();
        rewards = _deployRewards(address(token), TRANSFER);
        _fund(address(token), address(rewards), funding);
    }

    // ------------------------------------------------------------------ payments

    function _pack(address referrer, uint256 amount) internal pure returns (uint256) {
        return uint256(uint160(referrer)) << 96 | amount;
    }

    function _payout(bytes32 orderRef, address referrer, uint256 amount)
        internal
        pure
        returns (IReferralRewards.PackedPayout memory)
    {
        return IReferralRewards.PackedPayout(orderRef, _pack(referrer, amount));
    }

    /// @dev A hash-derived address: every byte as non-zero as a real wallet's.
    function _referrer(uint256 i) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode("referrer", i)))));
    }

    function _orderRef(uint256 i) internal pure returns (bytes32) {
        return keccak256(abi.encode("order", i));
    }

    /// @dev A realistic reward: about 1-2 tokens of 18 decimals, never round.
    function _amount(uint256 i) internal pure returns (uint256) {
        return 1e18 + i * 7_919_000_000_000 + 123_456_789;
    }

    function _pay(address referrer, uint256 amount, bytes32 orderRef) internal {
        vm.prank(operator);
        rewards.payReferral(referrer, amount, orderRef);
    }

    function _payBatch(IReferralRewards.PackedPayout[] memory payouts) internal returns (uint256) {
        vm.prank(operator);
        return rewards.payReferralBatch(payouts);
    }

    function _setLimits(uint96 maxPerPayment, uint96 windowBudget, uint32 windowDuration) internal {
        vm.prank(admin);
        rewards.setLimits(maxPerPayment, windowBudget, windowDuration);
    }

    function _unauthorized(address account, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, role);
    }
}
