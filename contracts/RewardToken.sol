// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {
    AccessControlUpgradeable
} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {
    ERC20PermitUpgradeable
} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";

import {IBatchPayoutToken} from "./interfaces/IBatchPayoutToken.sol";
import {IMintableERC20} from "./interfaces/IMintableERC20.sol";

/// @title RewardToken
/// @notice The ERC-20 (with EIP-2612 permit) that referral rewards are paid in.
/// @dev Not upgradeable: it is initialized in its constructor. It is built on OpenZeppelin's
///      namespaced (ERC-7201) ERC-20 because the batch functions credit balances directly in that
///      namespace, whose layout OpenZeppelin keeps stable for upgrade safety. A batch then costs one
///      call and one total-supply write instead of a full `_mint` per payee (~440 gas saved per
///      payout). Subclasses that override `_update` must not use the batch functions.
///      `ReferralRewards` mints in MINT mode and detects the batch functions via ERC-165.
///      The optional primary minter (the ReferralRewards proxy, fixed at construction) passes the
///      minter check without a storage read: 2,100 gas less per payment transaction. It cannot be
///      revoked at the token; the proxy's own pause, limits and admin govern it. Other minters
///      use MINTER_ROLE as usual.
contract RewardToken is
    Initializable,
    ERC20Upgradeable,
    ERC20PermitUpgradeable,
    AccessControlUpgradeable,
    IBatchPayoutToken
{
    /// @notice Role allowed to mint.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @notice Holds MINTER_ROLE permanently (address(0): none).
    address public immutable primaryMinter;

    error RewardToken__PrimaryMinterIsPermanent(address primaryMinter);

    uint256 private constant AMOUNT_MASK = 0xffffffffffffffffffffffff; // type(uint96).max
    // ERC20Upgradeable's namespace "openzeppelin.storage.ERC20": `_balances` is its first member,
    // `_totalSupply` its third. RewardToken.t.sol checks both against balanceOf and totalSupply.
    uint256 private constant BALANCES_SLOT =
        0x52c63247e1f47db19d5ce0460030c497f067ca4cebf71ba98eeadabe20bace00;
    uint256 private constant TOTAL_SUPPLY_SLOT =
        0x52c63247e1f47db19d5ce0460030c497f067ca4cebf71ba98eeadabe20bace02;
    // keccak256("Transfer(address,address,uint256)")
    uint256 private constant TRANSFER_TOPIC =
        0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef;

    /// @param name_ Token name (also the EIP-712 domain name for permits).
    /// @param symbol_ Token symbol.
    /// @param admin Receives DEFAULT_ADMIN_ROLE, which grants and revokes MINTER_ROLE.
    /// @param primaryMinter_ The ReferralRewards proxy (its address can be computed before it is
    ///        deployed), or address(0) for none.
    /// @custom:oz-upgrades-unsafe-allow constructor state-variable-immutable
    constructor(string memory name_, string memory symbol_, address admin, address primaryMinter_)
        initializer
    {
        primaryMinter = primaryMinter_;
        __ERC20_init(name_, symbol_);
        __ERC20Permit_init(name_);
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Creates `amount` tokens for `to`.
    /// @dev Same direct credit as `mintBatch`: ReferralRewards' single payments call this.
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        assembly ("memory-safe") {
            mstore(0x00, to)
            mstore(0x20, BALANCES_SLOT)
            let slot := keccak256(0x00, 0x40)
            sstore(slot, add(sload(slot), amount))
            mstore(0x00, amount)
            log3(0x00, 0x20, TRANSFER_TOPIC, 0, to)
        }
        _increaseSupply(amount);
    }

    /// @inheritdoc IBatchPayoutToken
    function mintBatch(uint256[] calldata payments) external onlyRole(MINTER_ROLE) {
        (uint256 total, bool zeroPayee) = _creditAll(payments, address(0));
        if (zeroPayee) revert ERC20InvalidReceiver(address(0));
        _increaseSupply(total);
    }

    /// @inheritdoc IBatchPayoutToken
    /// @dev When the sender is also a payee, `ERC20InsufficientBalance` reports the balance after
    ///      that self-credit; whether it reverts is exact either way.
    function transferBatch(uint256[] calldata payments) external {
        address from = _msgSender();
        (uint256 total, bool zeroPayee) = _creditAll(payments, from);
        if (zeroPayee) revert ERC20InvalidReceiver(address(0));
        // Debited after crediting, so a payee equal to `from` nets out exactly.
        uint256 fromBalance = balanceOf(from);
        if (fromBalance < total) revert ERC20InsufficientBalance(from, fromBalance, total);
        assembly ("memory-safe") {
            mstore(0x00, from)
            mstore(0x20, BALANCES_SLOT)
            sstore(keccak256(0x00, 0x40), sub(fromBalance, total))
        }
    }

    /// @notice AccessControl's check, plus the primary minter's permanent MINTER_ROLE.
    function hasRole(bytes32 role, address account) public view override returns (bool) {
        if (account == primaryMinter && role == MINTER_ROLE && account != address(0)) return true;
        return super.hasRole(role, account);
    }

    /// @notice ERC-165: AccessControl, IBatchPayoutToken and IMintableERC20.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IBatchPayoutToken).interfaceId
            || interfaceId == type(IMintableERC20).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @dev `revokeRole` and `renounceRole` end here: the primary minter's role cannot be removed,
    ///      and saying otherwise with a RoleRevoked event would mislead.
    function _revokeRole(bytes32 role, address account) internal override returns (bool) {
        if (role == MINTER_ROLE && account == primaryMinter && account != address(0)) {
            revert RewardToken__PrimaryMinterIsPermanent(account);
        }
        return super._revokeRole(role, account);
    }

    /// @dev Checked: an overflow reverts the credits made before it, and a supply that fits in
    ///      256 bits bounds every balance, so those unchecked credits cannot have overflowed.
    function _increaseSupply(uint256 amount) private {
        uint256 supply;
        assembly ("memory-safe") {
            supply := sload(TOTAL_SUPPLY_SLOT)
        }
        supply += amount;
        assembly ("memory-safe") {
            sstore(TOTAL_SUPPLY_SLOT, supply)
        }
    }

    /// @dev Credits every packed `(payee << 96) | amount` and logs `Transfer(from, payee, amount)`.
    ///      Stops at the first zero payee and reports it; the caller reverts.
    function _creditAll(uint256[] calldata payments, address from)
        private
        returns (uint256 total, bool zeroPayee)
    {
        assembly ("memory-safe") {
            // Scratch word 0x20 holds the mapping slot for the whole loop; only 0x00 changes.
            mstore(0x20, BALANCES_SLOT)
            for {
                let entry := payments.offset
                let end := add(entry, shl(5, payments.length))
            } lt(entry, end) { entry := add(entry, 0x20) } {
                let payment := calldataload(entry)
                let to := shr(96, payment)
                if iszero(to) {
                    zeroPayee := 1
                    break
                }
                let amount := and(payment, AMOUNT_MASK)
                mstore(0x00, to)
                let slot := keccak256(0x00, 0x40)
                sstore(slot, add(sload(slot), amount))
                mstore(0x00, amount)
                log3(0x00, 0x20, TRANSFER_TOPIC, from, to)
                total := add(total, amount) // amounts are below 2**96: cannot overflow
            }
        }
    }
}
