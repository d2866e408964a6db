// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

import {OriginalReferralRewards} from "../../contracts/mocks/baseline/OriginalReferralRewards.sol";
import {PlainMintableToken} from "../../contracts/mocks/PlainMintableToken.sol";

/// @notice The gas baseline does the same job as ReferralRewards.payReferral: a fair comparison.
contract OriginalReferralRewardsTest is Test {
    address internal admin = makeAddr("admin");
    address internal operator = makeAddr("operator");
    address internal referrer = makeAddr("referrer");

    PlainMintableToken internal token;
    OriginalReferralRewards internal original;

    function setUp() public {
        token = new PlainMintableToken(admin);
        OriginalReferralRewards implementation = new OriginalReferralRewards();
        bytes memory init = abi.encodeCall(
            OriginalReferralRewards.initialize,
            (admin, operator, address(token), OriginalReferralRewards.RewardMode.MINT)
        );
        original = OriginalReferralRewards(address(new ERC1967Proxy(address(implementation), init)));
        vm.startPrank(admin);
        token.grantRole(token.MINTER_ROLE(), address(original));
        vm.stopPrank();
    }

    function test_payReferral_paysOnceThenRevertsAlreadyPaid() public {
        bytes32 orderRef = keccak256("order-1");
        vm.expectEmit(address(original));
        emit OriginalReferralRewards.ReferralPaid(orderRef, referrer, 5e18);
        vm.prank(operator);
        original.payReferral(referrer, 5e18, orderRef);
        assertTrue(original.paidOrders(orderRef));
        assertEq(token.balanceOf(referrer), 5e18);

        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(OriginalReferralRewards.ReferralRewards__AlreadyPaid.selector, orderRef)
        );
        original.payReferral(referrer, 5e18, orderRef);
        assertEq(token.balanceOf(referrer), 5e18);
    }

    function test_payReferral_revertsWhilePausedAndForStrangers() public {
        vm.prank(admin);
        original.pause();
        vm.prank(operator);
        vm.expectRevert();
        original.payReferral(referrer, 1, keccak256("order-2"));

        vm.prank(admin);
        original.unpause();
        vm.prank(referrer);
        vm.expectRevert();
        original.payReferral(referrer, 1, keccak256("order-2"));
        assertFalse(original.paidOrders(keccak256("order-2")));
    }
}
