// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReferralRewards} from "../../contracts/ReferralRewards.sol";
import {IReferralRewards} from "../../contracts/interfaces/IReferralRewards.sol";
import {PlainMintableToken} from "../../contracts/mocks/PlainMintableToken.sol";
import {ReferralRewardsFixture} from "./utils/ReferralRewardsFixture.sol";

/// @notice Gas snapshots (Uniswap v4-core style): each test makes exactly one call to a proxy,
///         records it with `vm.snapshotGasLastCall` into test/contracts/snapshots/ReferralRewards.json,
///         then checks the outcome. `setUp` runs in its own transaction, so the measured call starts
///         with cold storage, like a real transaction (minus the 21,000 base and calldata gas).
///         "repeat" referrers already hold tokens (setUp paid them); "new" referrers do not.
contract ReferralRewardsGasTest is ReferralRewardsFixture {
    string internal constant GROUP = "ReferralRewards";

    ReferralRewards internal mintRewards;
    ReferralRewards internal transferRewards;
    ReferralRewards internal limitedRewards;
    ReferralRewards internal fallbackRewards;
    PlainMintableToken internal plain;

    function setUp() public {
        _setUpMint();
        mintRewards = rewards;

        // Steady state: the token's first mint ever also creates the totalSupply slot.
        _pay(_newReferrer(0, 0), _amount(0), keccak256("warm-up order"));

        // The repeat referrers hold a balance already.
        IReferralRewards.PackedPayout[] memory earlier = new IReferralRewards.PackedPayout[](100);
        for (uint256 i; i < 100; ++i) {
            earlier[i] = _payout(keccak256(abi.encode("earlier order", i)), _referrer(i), _amount(i));
        }
        _payBatch(earlier);

        // TRANSFER mode, same token, funded treasury.
        transferRewards = _deployRewards(address(token), TRANSFER);
        _fund(address(token), address(transferRewards), 1_000_000e18);

        // MINT mode with the damage limits on (as in bench/results/gas-detail.json "limitsOn").
        limitedRewards = _deployRewards(address(token), MINT);
        _grantMinter(address(token), address(limitedRewards));
        rewards = limitedRewards;
        _setLimits(1000e18, 1_000_000e18, 1 days);
        _pay(_newReferrer(0, 1), _amount(1), keccak256("limits warm-up order"));

        // A token without batch functions: one mint call per payout.
        plain = _deployPlainToken();
        fallbackRewards = _deployRewards(address(plain), MINT);
        _grantMinter(address(plain), address(fallbackRewards));
        rewards = fallbackRewards;
        _pay(_newReferrer(0, 2), _amount(2), keccak256("fallback warm-up order"));

        rewards = mintRewards;
    }

    /// @dev A hash-derived address nobody has paid yet, distinct per `salt`.
    function _newReferrer(uint256 salt, uint256 i) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode("referrer", salt, i)))));
    }

    function _orders(uint256 salt, uint256 count, bool repeatReferrers)
        internal
        pure
        returns (IReferralRewards.PackedPayout[] memory payouts)
    {
        payouts = new IReferralRewards.PackedPayout[](count);
        for (uint256 i; i < count; ++i) {
            address referrer = repeatReferrers ? _referrer(i) : _newReferrer(salt, i);
            payouts[i] = _payout(keccak256(abi.encode("order", salt, i)), referrer, _amount(i));
        }
    }

    function _assertPaid(IReferralRewards.PackedPayout[] memory payouts, uint256 paid) internal view {
        assertEq(paid, payouts.length);
        for (uint256 i; i < payouts.length; ++i) {
            assertTrue(rewards.paidOrders(payouts[i].orderRef));
        }
    }

    // ------------------------------------------------------------------ payReferral

    function test_gas_payReferral_newReferrer() public {
        address referrer = _newReferrer(1, 0);
        _pay(referrer, _amount(7), keccak256("order new referrer"));
        vm.snapshotGasLastCall(GROUP, "payReferral_newReferrer");

        assertEq(token.balanceOf(referrer), _amount(7));
    }

    function test_gas_payReferral_repeatReferrer() public {
        address referrer = _referrer(7);
        _pay(referrer, _amount(7), keccak256("order repeat referrer"));
        vm.snapshotGasLastCall(GROUP, "payReferral_repeatReferrer");

        assertEq(token.balanceOf(referrer), 2 * _amount(7));
    }

    function test_gas_payReferral_transferMode_newReferrer() public {
        rewards = transferRewards;
        address referrer = _newReferrer(2, 0);
        _pay(referrer, _amount(11), keccak256("transfer order new referrer"));
        vm.snapshotGasLastCall(GROUP, "payReferral_transferMode_newReferrer");

        assertEq(token.balanceOf(referrer), _amount(11));
        assertEq(token.balanceOf(address(transferRewards)), 1_000_000e18 - _amount(11));
    }

    function test_gas_payReferral_transferMode_repeatReferrer() public {
        rewards = transferRewards;
        address referrer = _referrer(11);
        _pay(referrer, _amount(11), keccak256("transfer order repeat referrer"));
        vm.snapshotGasLastCall(GROUP, "payReferral_transferMode_repeatReferrer");

        assertEq(token.balanceOf(referrer), 2 * _amount(11));
    }

    function test_gas_payReferral_limits_newReferrer() public {
        rewards = limitedRewards;
        address referrer = _newReferrer(3, 0);
        _pay(referrer, _amount(13), keccak256("limited order new referrer"));
        vm.snapshotGasLastCall(GROUP, "payReferral_limits_newReferrer");

        assertEq(token.balanceOf(referrer), _amount(13));
    }

    // ------------------------------------------------------------------ payReferralBatch

    function test_gas_payReferralBatch_10_newReferrers() public {
        IReferralRewards.PackedPayout[] memory payouts = _orders(10, 10, false);
        uint256 paid = _payBatch(payouts);
        vm.snapshotGasLastCall(GROUP, "payReferralBatch_10_newReferrers");

        _assertPaid(payouts, paid);
        assertEq(token.balanceOf(_newReferrer(10, 9)), _amount(9));
    }

    function test_gas_payReferralBatch_10_repeatReferrers() public {
        IReferralRewards.PackedPayout[] memory payouts = _orders(11, 10, true);
        uint256 paid = _payBatch(payouts);
        vm.snapshotGasLastCall(GROUP, "payReferralBatch_10_repeatReferrers");

        _assertPaid(payouts, paid);
        assertEq(token.balanceOf(_referrer(9)), 2 * _amount(9));
    }

    function test_gas_payReferralBatch_100_newReferrers() public {
        IReferralRewards.PackedPayout[] memory payouts = _orders(100, 100, false);
        uint256 paid = _payBatch(payouts);
        vm.snapshotGasLastCall(GROUP, "payReferralBatch_100_newReferrers");

        _assertPaid(payouts, paid);
        assertEq(token.balanceOf(_newReferrer(100, 99)), _amount(99));
    }

    function test_gas_payReferralBatch_100_repeatReferrers() public {
        IReferralRewards.PackedPayout[] memory payouts = _orders(101, 100, true);
        uint256 paid = _payBatch(payouts);
        vm.snapshotGasLastCall(GROUP, "payReferralBatch_100_repeatReferrers");

        _assertPaid(payouts, paid);
        assertEq(token.balanceOf(_referrer(99)), 2 * _amount(99));
    }

    function test_gas_payReferralBatch_10_oneSkipped() public {
        IReferralRewards.PackedPayout[] memory payouts = _orders(12, 10, false);
        // The fifth order was paid by setUp's batch: skipped with an event.
        payouts[4].orderRef = keccak256(abi.encode("earlier order", 4));
        uint256 paid = _payBatch(payouts);
        vm.snapshotGasLastCall(GROUP, "payReferralBatch_10_oneSkipped");

        assertEq(paid, 9);
        assertEq(token.balanceOf(_newReferrer(12, 4)), 0);
        assertEq(token.balanceOf(_newReferrer(12, 5)), _amount(5));
    }

    function test_gas_payReferralBatch_100_transferMode_newReferrers() public {
        rewards = transferRewards;
        IReferralRewards.PackedPayout[] memory payouts = _orders(102, 100, false);
        uint256 paid = _payBatch(payouts);
        vm.snapshotGasLastCall(GROUP, "payReferralBatch_100_transferMode_newReferrers");

        _assertPaid(payouts, paid);
        assertEq(token.balanceOf(_newReferrer(102, 99)), _amount(99));
    }

    function test_gas_payReferralBatch_100_limits_newReferrers() public {
        rewards = limitedRewards;
        IReferralRewards.PackedPayout[] memory payouts = _orders(103, 100, false);
        uint256 paid = _payBatch(payouts);
        vm.snapshotGasLastCall(GROUP, "payReferralBatch_100_limits_newReferrers");

        _assertPaid(payouts, paid);
        assertEq(token.balanceOf(_newReferrer(103, 99)), _amount(99));
    }

    function test_gas_payReferralBatch_10_fallbackToken_newReferrers() public {
        rewards = fallbackRewards;
        IReferralRewards.PackedPayout[] memory payouts = _orders(104, 10, false);
        uint256 paid = _payBatch(payouts);
        vm.snapshotGasLastCall(GROUP, "payReferralBatch_10_fallbackToken_newReferrers");

        _assertPaid(payouts, paid);
        assertEq(plain.balanceOf(_newReferrer(104, 9)), _amount(9));
    }
}
