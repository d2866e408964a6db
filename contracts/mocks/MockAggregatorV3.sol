// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title A Chainlink-style AggregatorV3 price feed for local chains and tests
/// @notice Anyone can push a round: never deploy this where prices matter.
contract MockAggregatorV3 {
    struct Round {
        int256 answer;
        uint256 startedAt;
        uint256 updatedAt;
        uint80 answeredInRound;
    }

    uint8 public immutable decimals;
    string public description;
    uint256 public constant version = 4;

    uint80 public latestRound;
    mapping(uint80 roundId => Round) private _rounds;

    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    error MockAggregatorV3__NoData(uint80 roundId);

    /// @param decimals_ Decimals of every answer (8 for fiat pairs on Chainlink).
    /// @param description_ For example "ETH / USD".
    /// @param initialAnswer The answer of round 1.
    constructor(uint8 decimals_, string memory description_, int256 initialAnswer) {
        decimals = decimals_;
        description = description_;
        setAnswer(initialAnswer);
    }

    /// @notice Starts a new round with `answer`, updated now.
    function setAnswer(int256 answer) public {
        setRound(latestRound + 1, answer, block.timestamp, block.timestamp, latestRound + 1);
    }

    /// @notice Writes any round, including stale or incomplete ones, to exercise consumers' guards.
    function setRound(
        uint80 roundId,
        int256 answer,
        uint256 startedAt,
        uint256 updatedAt,
        uint80 answeredInRound
    ) public {
        _rounds[roundId] = Round(answer, startedAt, updatedAt, answeredInRound);
        if (roundId > latestRound) latestRound = roundId;
        emit AnswerUpdated(answer, roundId, updatedAt);
    }

    /// @notice AggregatorV3Interface.getRoundData.
    function getRoundData(uint80 roundId)
        external
        view
        returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        Round memory round = _rounds[roundId];
        if (round.updatedAt == 0 && round.startedAt == 0) revert MockAggregatorV3__NoData(roundId);
        return (roundId, round.answer, round.startedAt, round.updatedAt, round.answeredInRound);
    }

    /// @notice AggregatorV3Interface.latestRoundData.
    function latestRoundData()
        external
        view
        returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        Round memory round = _rounds[latestRound];
        return (latestRound, round.answer, round.startedAt, round.updatedAt, round.answeredInRound);
    }
}
