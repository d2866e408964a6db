// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {MockAggregatorV3} from "../../contracts/mocks/MockAggregatorV3.sol";

/// @notice The local price feed behaves like Chainlink's AggregatorV3Interface, including the
///         stale, incomplete and non-positive rounds the server's sizing must reject.
contract MockAggregatorV3Test is Test {
    MockAggregatorV3 internal feed;

    function setUp() public {
        vm.warp(1_800_000_000);
        feed = new MockAggregatorV3(8, "UAH / USD", 2_400_000);
    }

    function test_constructor_setsMetadataAndRoundOne() public view {
        assertEq(feed.decimals(), 8);
        assertEq(feed.description(), "UAH / USD");
        assertEq(feed.version(), 4);
        (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) =
            feed.latestRoundData();
        assertEq(roundId, 1);
        assertEq(answer, 2_400_000);
        assertEq(startedAt, block.timestamp);
        assertEq(updatedAt, block.timestamp);
        assertEq(answeredInRound, 1);
    }

    function test_setAnswer_opensNextRoundAndKeepsHistory() public {
        vm.warp(block.timestamp + 60);
        vm.expectEmit(address(feed));
        emit MockAggregatorV3.AnswerUpdated(2_500_000, 2, block.timestamp);
        feed.setAnswer(2_500_000);

        (uint80 roundId, int256 answer,, uint256 updatedAt,) = feed.latestRoundData();
        assertEq(roundId, 2);
        assertEq(answer, 2_500_000);
        assertEq(updatedAt, block.timestamp);
        (, int256 first,, uint256 firstUpdatedAt,) = feed.getRoundData(1);
        assertEq(first, 2_400_000);
        assertEq(firstUpdatedAt, block.timestamp - 60);
    }

    function test_setRound_writesStaleIncompleteOrNegativeRounds() public {
        feed.setRound(7, -1, block.timestamp - 7200, block.timestamp - 3600, 6);
        (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) =
            feed.latestRoundData();
        assertEq(roundId, 7);
        assertEq(answer, -1);
        assertEq(startedAt, block.timestamp - 7200);
        assertEq(updatedAt, block.timestamp - 3600);
        assertEq(answeredInRound, 6);

        // An older round can be rewritten without moving `latestRound` back.
        feed.setRound(3, 99, block.timestamp, block.timestamp, 3);
        assertEq(feed.latestRound(), 7);
        (, int256 old,,,) = feed.getRoundData(3);
        assertEq(old, 99);
    }

    function test_getRoundData_revertsForUnknownRound() public {
        vm.expectRevert(
            abi.encodeWithSelector(MockAggregatorV3.MockAggregatorV3__NoData.selector, uint80(42))
        );
        feed.getRoundData(42);
    }
}
